import OpenAI from 'openai'
import type { ChatMessage, ChatRequest, ChatResponse, LLM, ToolChoice } from '../../ports.js'
import { translateOpenAIError } from './openai-errors.js'

/**
 * The chat model used when none is configured: cheap and fast, and reliable at forced function
 * calling with the non-strict schemas Engram sends. Override with `llm.config.model`.
 */
export const DEFAULT_OPENAI_MODEL = 'gpt-4.1-mini'

const DEFAULT_BASE_URL = 'https://api.openai.com/v1'

// Generous because one extraction over a long conversation can take tens of seconds; a server
// that stalls longer than this is treated as down (retryable), not waited on forever.
const DEFAULT_TIMEOUT_MS = 60_000

/** How to reach an OpenAI-compatible server; shared by {@link OpenAILLM} and `OpenAIEmbedder`. */
export interface OpenAIConnectionOptions {
  /** API key. Without one, requests carry no Authorization header, as keyless local servers expect. */
  apiKey?: string
  /** Base URL of the API, ending in `/v1`. Default `https://api.openai.com/v1`. */
  baseURL?: string
  /** Per-request timeout in milliseconds. Default 60000. */
  timeoutMs?: number
}

/** Options of {@link OpenAILLM}. */
export interface OpenAILLMOptions extends OpenAIConnectionOptions {
  /** Chat model name. Default {@link DEFAULT_OPENAI_MODEL}. */
  model?: string
  /** Sampling temperature, 0–2. Default: the server's (reasoning models accept no other). */
  temperature?: number
  /** The model accepts images (`image_url` content parts). Default false. */
  vision?: boolean
}

/**
 * Creates the openai client for one of Engram's adapters.
 *
 * `apiKey` and `baseURL` are always passed explicitly, so the client never falls back to reading
 * `OPENAI_API_KEY`/`OPENAI_BASE_URL` itself: `config/env.ts` stays the one reader of the
 * environment. `maxRetries: 0` because `llm/retry.ts` retries every provider alike.
 */
export function createOpenAIClient(options: OpenAIConnectionOptions): OpenAI {
  const keyless = options.apiKey === undefined
  return new OpenAI({
    // The client refuses to start without a key, so a keyless server gets a placeholder that is
    // never sent: the Authorization header is explicitly omitted instead.
    apiKey: options.apiKey ?? 'keyless',
    defaultHeaders: keyless ? { Authorization: null } : undefined,
    baseURL: options.baseURL ?? DEFAULT_BASE_URL,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: 0,
  })
}

/**
 * An {@link LLM} backed by the Chat Completions API of OpenAI or any compatible server
 * (vLLM, Ollama, LM Studio, llama.cpp server, …).
 *
 * Does not retry: wrap it with `withRetry`. Throws `LLM_UNAVAILABLE` (see `translateOpenAIError`
 * for which faults are retryable).
 */
export class OpenAILLM implements LLM {
  readonly model: string
  readonly vision: boolean
  readonly #temperature: number | undefined
  readonly #client: OpenAI

  constructor(options: OpenAILLMOptions = {}) {
    this.model = options.model ?? DEFAULT_OPENAI_MODEL
    this.vision = options.vision ?? false
    this.#temperature = options.temperature
    this.#client = createOpenAIClient(options)
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const completion = await this.#client.chat.completions
      .create(
        {
          model: this.model,
          temperature: this.#temperature,
          messages: request.messages.map(toOpenAIMessage),
          tools: request.tools.map(({ name, description, parameters }) => ({
            type: 'function' as const,
            function: { name, description, parameters },
          })),
          tool_choice: toOpenAIToolChoice(request.toolChoice),
        },
        { signal: request.signal },
      )
      .catch((error: unknown) => {
        throw translateOpenAIError(error, {
          code: 'LLM_UNAVAILABLE',
          model: this.model,
          baseURL: this.#client.baseURL,
          timeoutMs: this.#client.timeout,
        })
      })
    // A reply without choices is treated like one without tool calls: call-tool retries it once.
    const message = completion.choices[0]?.message
    return {
      toolCalls: (message?.tool_calls ?? []).flatMap((call) =>
        call.type === 'function' ? [{ name: call.function.name, arguments: call.function.arguments }] : [],
      ),
      text: message?.content ?? '',
      usage: completion.usage && {
        promptTokens: completion.usage.prompt_tokens,
        completionTokens: completion.usage.completion_tokens,
      },
    }
  }
}

/**
 * A message in the API's shape. Content parts go out as they are: OpenAI's parts are the same
 * objects. Only user turns carry images (pipelines/describe-images.ts), so the text parts of
 * system and assistant turns are all they hold.
 */
function toOpenAIMessage({ role, content }: ChatMessage): OpenAI.Chat.ChatCompletionMessageParam {
  return role === 'user' ? { role, content } : { role, content: textParts(content) }
}

function textParts(content: ChatMessage['content']): string | OpenAI.Chat.ChatCompletionContentPartText[] {
  return typeof content === 'string' ? content : content.flatMap((part) => (part.type === 'text' ? [part] : []))
}

function toOpenAIToolChoice(choice: ToolChoice): OpenAI.Chat.ChatCompletionToolChoiceOption {
  return choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : 'required'
}
