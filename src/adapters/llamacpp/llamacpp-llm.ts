import { availableParallelism } from 'node:os'
import { basename } from 'node:path'
import type { ChatHistoryItem, Llama, LlamaChat, LlamaContext, LlamaGrammar, LlamaModel } from 'node-llama-cpp'
import { EngramError } from '../../errors.js'
import type { ChatMessage, ChatRequest, ChatResponse, LLM, ToolDefinition } from '../../ports.js'
import { checkModelFile } from './model-file.js'
import { argumentsGrammar, callListGrammar, readCallList } from './tool-grammar.js'
import { toolInstructions } from './tool-instructions.js'

type NodeLlamaCpp = typeof import('node-llama-cpp')

/**
 * Tokens the model sees at once (prompt and reply). Enough for an extraction chunk
 * (`limits.chunkTokens`, 2000 by default) plus instructions, tool schemas and the reply, while the
 * KV cache stays small (about 90 MB for SmolLM2-135M, a few hundred MB for 3B–8B models).
 */
export const DEFAULT_CONTEXT_SIZE = 4096

/** Upper bound of one reply: a generous graph extraction fits, a model stuck in a loop stops. */
export const DEFAULT_MAX_TOKENS = 1024

/**
 * Half the cores, at least one. llama.cpp's threads wait for one another at every layer, so on a
 * machine busy with other work more threads than free cores is many times slower, not faster
 * (measured on a loaded 2-core machine: 1 token/s with 2 threads, 25 tokens/s with 1).
 */
export function defaultThreads(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2))
}

// Greedy decoding (temperature 0) makes a reply a function of the prompt; the seed only matters
// to samplers that still draw, and is fixed so runs repeat.
const SEED = 42

/**
 * Greedy decoding can fall into a loop (the same sentence or list item again and again until the
 * token budget runs out, which leaves unfinished JSON). A mild repeat penalty over the last 64
 * tokens and a DRY penalty on repeats longer than 8 tokens break such loops; entity names, which
 * legitimately recur, are shorter than that.
 */
const ANTI_LOOP = {
  repeatPenalty: { lastTokens: 64, penalty: 1.1 },
  dryRepeatPenalty: { strength: 0.8, allowedLength: 8 },
} as const

/** Options of {@link LlamaCppLLM} (`llm.config` of the `llamacpp` provider). */
export interface LlamaCppLLMOptions {
  /** Path of a GGUF chat model. */
  modelPath: string
  /** Context window in tokens, prompt and reply together. Default 4096, at most the model's training context. */
  contextSize?: number
  /** CPU threads. Default {@link defaultThreads}: half the cores, at least one. */
  threads?: number
  /** Most tokens one reply may have. Default 1024. */
  maxTokens?: number
}

/**
 * An {@link LLM} running a GGUF model in-process with llama.cpp (through the optional package
 * node-llama-cpp), on the CPU, with nothing sent over the network.
 *
 * Tool calls are generated under a grammar compiled from the tools' JSON Schemas: a forced tool
 * yields exactly its arguments object, "one or more calls" a JSON array of `{name, arguments}`,
 * so the arguments are always well-formed JSON of the right shape (their content is the model's).
 * Requests run one at a time on one context sequence. A prompt that does not fit the context
 * next to `maxTokens` is refused, never silently cut.
 */
export class LlamaCppLLM implements LLM {
  readonly model: string
  readonly #llama: Llama
  readonly #llamaModel: LlamaModel
  readonly #context: LlamaContext
  readonly #chat: LlamaChat
  readonly #maxTokens: number
  readonly #grammars = new Map<string, Promise<LlamaGrammar>>()
  #queue: Promise<unknown> = Promise.resolve()

  private constructor(parts: { name: string; llama: Llama; model: LlamaModel; context: LlamaContext; chat: LlamaChat; maxTokens: number }) {
    this.model = parts.name
    this.#llama = parts.llama
    this.#llamaModel = parts.model
    this.#context = parts.context
    this.#chat = parts.chat
    this.#maxTokens = parts.maxTokens
  }

  /**
   * Loads the model. Never downloads or builds anything: it uses node-llama-cpp's prebuilt CPU binary.
   *
   * @throws EngramError `LLM_UNAVAILABLE` when node-llama-cpp is not installed (the message says
   *   `npm install node-llama-cpp`), the model file is missing (it names the fetch command) or
   *   larger than free memory, or llama.cpp cannot load it; `INVALID_CONFIG` when `maxTokens`
   *   leaves no room for a prompt.
   */
  static async open(options: LlamaCppLLMOptions): Promise<LlamaCppLLM> {
    checkModelFile(options.modelPath)
    const llamaCpp = await importNodeLlamaCpp()
    const threads = options.threads ?? defaultThreads()
    const llama = await loadRuntime(llamaCpp, threads)
    try {
      const model = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: 0 })
      const contextSize = Math.min(options.contextSize ?? DEFAULT_CONTEXT_SIZE, model.trainContextSize)
      const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS
      if (maxTokens >= contextSize) {
        throw new EngramError('INVALID_CONFIG', `llm.config.maxTokens (${maxTokens}) must be smaller than the context size (${contextSize})`)
      }
      const context = await model.createContext({ contextSize, sequences: 1, threads })
      const chat = new llamaCpp.LlamaChat({ contextSequence: context.getSequence() })
      return new LlamaCppLLM({ name: basename(options.modelPath), llama, model, context, chat, maxTokens })
    } catch (error) {
      await llama.dispose()
      throw asLLMError(`cannot load the model ${options.modelPath}`, error)
    }
  }

  chat(request: ChatRequest): Promise<ChatResponse> {
    // One sequence, one generation at a time: the fact and graph pipelines of an add ask concurrently.
    const reply = this.#queue.then(() => this.#generate(request))
    this.#queue = reply.catch(() => undefined)
    return reply
  }

  /** Frees the model and its context. */
  async close(): Promise<void> {
    await this.#queue
    await this.#context.dispose()
    await this.#llamaModel.dispose()
    await this.#llama.dispose()
  }

  async #generate(request: ChatRequest): Promise<ChatResponse> {
    const history = toHistory(request)
    const promptTokens = this.#chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(this.#llamaModel.tokenizer).length
    const contextSize = this.#context.contextSize
    if (promptTokens + this.#maxTokens > contextSize) {
      throw new EngramError(
        'LLM_UNAVAILABLE',
        `the prompt has ${promptTokens} tokens, which with llm.config.maxTokens (${this.#maxTokens}) exceeds the context of ` +
          `${contextSize} tokens: raise llm.config.contextSize, or lower limits.chunkTokens so conversations are split into smaller chunks`,
      )
    }
    let completionTokens = 0
    const reply = await this.#chat
      .generateResponse(history, {
        grammar: await this.#grammarFor(request),
        maxTokens: this.#maxTokens,
        temperature: 0,
        seed: SEED,
        ...ANTI_LOOP,
        signal: request.signal,
        onToken: (tokens) => {
          completionTokens += tokens.length
        },
      })
      .catch((error: unknown) => {
        throw asLLMError(`${this.model} failed to generate`, error)
      })
    const text = reply.response.trim()
    // A forced reply is the arguments themselves; if the budget cut them short, call-tool shows the model the JSON error.
    const toolCalls = request.toolChoice.type === 'tool' ? [{ name: request.toolChoice.name, arguments: text }] : readCallList(text)
    const truncated = reply.metadata.stopReason === 'maxTokens'
    return { toolCalls, text: toolCalls.length === 0 ? text : '', usage: { promptTokens, completionTokens }, ...(truncated ? { truncated } : {}) }
  }

  /** One compiled grammar per tool set and choice; Engram uses four. */
  #grammarFor(request: ChatRequest): Promise<LlamaGrammar> {
    const text = request.toolChoice.type === 'tool' ? argumentsGrammar(forcedTool(request)) : callListGrammar(request.tools)
    let grammar = this.#grammars.get(text)
    if (grammar === undefined) {
      grammar = this.#llama.createGrammar({ grammar: text })
      this.#grammars.set(text, grammar)
    }
    return grammar
  }
}

async function importNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  try {
    return await import('node-llama-cpp')
  } catch (error) {
    throw new EngramError('LLM_UNAVAILABLE', importFailure(error), { cause: error })
  }
}

function importFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return 'the llamacpp provider needs the optional package node-llama-cpp, which is not installed: run `npm install node-llama-cpp`'
  }
  // Engram's CommonJS build turns the dynamic import into require(), which an ES module with top-level await refuses.
  if (code === 'ERR_REQUIRE_ASYNC_MODULE' || code === 'ERR_REQUIRE_ESM') {
    return 'node-llama-cpp is an ES module that CommonJS cannot load: import Engram with `import` (ESM) to use the llamacpp provider'
  }
  return `cannot load node-llama-cpp: ${error instanceof Error ? error.message : String(error)}`
}

/** llama.cpp's CPU build as prebuilt in node-llama-cpp's platform package; fails rather than download or compile. */
async function loadRuntime(llamaCpp: NodeLlamaCpp, threads: number): Promise<Llama> {
  try {
    return await llamaCpp.getLlama({
      gpu: false,
      build: 'never',
      skipDownload: true,
      usePrebuiltBinaries: true,
      progressLogs: false,
      logLevel: llamaCpp.LlamaLogLevel.error,
      maxThreads: threads,
    })
  } catch (error) {
    throw asLLMError(
      `node-llama-cpp has no usable prebuilt llama.cpp binary for ${process.platform}-${process.arch} ` +
        '(its platform package, e.g. @node-llama-cpp/linux-x64, may be missing: reinstall node-llama-cpp)',
      error,
    )
  }
}

/** The offered tool a forced choice names (call-tool always offers it). */
function forcedTool(request: ChatRequest): ToolDefinition {
  const { toolChoice } = request
  const tool = toolChoice.type === 'tool' ? request.tools.find((candidate) => candidate.name === toolChoice.name) : undefined
  if (tool === undefined) throw new EngramError('LLM_UNAVAILABLE', `the forced tool is not among the offered tools`)
  return tool
}

/** The request as node-llama-cpp's chat history, the tools described in the system message, ending with the turn to generate. */
function toHistory(request: ChatRequest): ChatHistoryItem[] {
  const instructions = toolInstructions(request.tools, request.toolChoice)
  const history: ChatHistoryItem[] = request.messages.map((message) => {
    const text = plainText(message.content)
    return message.role === 'assistant' ? { type: 'model', response: [text] } : { type: message.role, text }
  })
  const system = history.findIndex((item) => item.type === 'system')
  const systemItem = history[system]
  if (systemItem?.type === 'system') history[system] = { type: 'system', text: `${String(systemItem.text)}\n\n${instructions}` }
  else history.unshift({ type: 'system', text: instructions })
  history.push({ type: 'model', response: [] })
  return history
}

/**
 * This adapter declares no `vision`, so Engram never sends it an image (describe-images.ts skips
 * them); content parts, if any, are text parts.
 */
function plainText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content
  return content
    .map((part) => {
      if (part.type !== 'text') throw new EngramError('INVALID_INPUT', 'the llamacpp LLM cannot read images (it declares no vision)')
      return part.text
    })
    .join('\n')
}

function asLLMError(context: string, error: unknown): EngramError {
  if (error instanceof EngramError) return error
  const detail = error instanceof Error ? error.message : String(error)
  const hint =
    (error as { name?: string } | null)?.name === 'InsufficientMemoryError'
      ? ' (not enough free memory: lower llm.config.contextSize or use a smaller model)'
      : ''
  return new EngramError('LLM_UNAVAILABLE', `${context}: ${detail}${hint}`, { cause: error })
}
