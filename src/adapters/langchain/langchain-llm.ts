import { AIMessage, HumanMessage, SystemMessage } from '@langchain/core/messages'
import { EngramError } from '../../errors.js'
import { isTransientFault } from '../../llm/retry.js'
import type { ChatMessage, ChatRequest, ChatResponse, LLM, ToolChoice } from '../../ports.js'
import type { LangChainAIMessage, LangChainChatModel, LangChainToolChoice, LangChainToolRunnable } from './langchain-types.js'

/** Options of {@link LangChainLLM}. */
export interface LangChainLLMOptions {
  /** A LangChain chat model with tool calling (`bindTools`), e.g. `ChatOpenAI`, `ChatAnthropic`. */
  model: LangChainChatModel
  /** Per-call timeout in milliseconds, as a LangChain run `timeout`. Default 60000 (as for OpenAI). */
  timeoutMs?: number
  /** The model accepts images (`image_url` content blocks). Default false. */
  vision?: boolean
}

const DEFAULT_TIMEOUT_MS = 60_000

/**
 * An {@link LLM} backed by any LangChain chat model that supports tool calling.
 *
 * Tools are bound in OpenAI function format. A forced tool is passed as its name and "one or more
 * calls" as `'any'`, LangChain's provider-neutral values for `tool_choice`. Does not retry: wrap it
 * with `withRetry`, and build the model with `maxRetries: 0` so LangChain's own retries (6 by
 * default) do not multiply Engram's. Throws `LLM_UNAVAILABLE`, retryable for HTTP 408/409/429/5xx,
 * timeouts and dropped connections; `INVALID_CONFIG` from the constructor for a model without
 * `bindTools`.
 */
export class LangChainLLM implements LLM {
  readonly model: string
  readonly vision: boolean
  readonly #bindTools: NonNullable<LangChainChatModel['bindTools']>
  readonly #timeoutMs: number

  constructor(options: LangChainLLMOptions) {
    const chatModel = options.model
    if (typeof chatModel.bindTools !== 'function') {
      throw new EngramError('INVALID_CONFIG', 'The LangChain chat model has no bindTools(): Engram needs a model that supports tool calling.')
    }
    this.#bindTools = chatModel.bindTools.bind(chatModel)
    this.model = chatModel.model ?? chatModel.getName?.() ?? 'langchain'
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.vision = options.vision ?? false
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    let reply: LangChainAIMessage
    try {
      const runnable: LangChainToolRunnable = this.#bindTools(
        request.tools.map(({ name, description, parameters }) => ({
          type: 'function',
          function: { name, description, parameters },
        })),
        { tool_choice: toLangChainToolChoice(request.toolChoice) },
      )
      reply = await runnable.invoke(request.messages.map(toLangChainMessage), {
        signal: request.signal,
        timeout: this.#timeoutMs,
      })
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error)
      throw new EngramError('LLM_UNAVAILABLE', `LangChain model ${this.model} failed: ${detail}`, {
        retryable: isTransientFault(error),
        cause: error,
      })
    }
    return {
      toolCalls: [
        ...(reply.tool_calls ?? []).map((call) => ({ name: call.name, arguments: JSON.stringify(call.args) })),
        // Calls LangChain could not parse keep their raw text, so call-tool can show the model its JSON error.
        ...(reply.invalid_tool_calls ?? []).map((call) => ({ name: call.name ?? '', arguments: call.args ?? '' })),
      ],
      text: textOf(reply.content),
      usage: reply.usage_metadata && {
        promptTokens: reply.usage_metadata.input_tokens,
        completionTokens: reply.usage_metadata.output_tokens,
      },
    }
  }
}

function toLangChainToolChoice(choice: ToolChoice): LangChainToolChoice {
  return choice.type === 'tool' ? choice.name : 'any'
}

/**
 * Content parts go out as OpenAI-style `text` and `image_url` blocks, which LangChain's chat
 * model integrations translate to their provider's image input.
 */
function toLangChainMessage(message: ChatMessage): SystemMessage | HumanMessage | AIMessage {
  switch (message.role) {
    case 'system':
      return new SystemMessage(message.content)
    case 'user':
      return new HumanMessage(message.content)
    case 'assistant':
      return new AIMessage(message.content)
  }
}

/** The text of a message's content: a string, or the `text` blocks of a content-block array. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map((block: { type?: unknown; text?: unknown }) => (block?.type === 'text' && typeof block.text === 'string' ? block.text : '')).join('')
}
