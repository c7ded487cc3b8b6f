import { createServer, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HashEmbedder } from './hash-embedder.js'
import { COMBINED_EXTRACTION, combinedExtraction, SCRIPTED_SUMMARY, SUMMARY } from './unscripted-tools.js'

/** A chat completion request as the client sent it (the fields tests usually assert on). */
export interface ChatCompletionBody {
  model: string
  messages: Array<{ role: string; content: string | null }>
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: Record<string, unknown> } }>
  tool_choice?: 'required' | 'auto' | 'none' | { type: 'function'; function: { name: string } }
  temperature?: number
  [field: string]: unknown
}

/** An embeddings request as the client sent it. */
export interface EmbeddingsBody {
  model: string
  input: string | string[]
  dimensions?: number
  encoding_format?: 'float' | 'base64'
  [field: string]: unknown
}

/** One request the server received. */
export interface RecordedRequest {
  path: string
  headers: IncomingHttpHeaders
  body: unknown
}

type ToolCallsReply = { kind: 'tool_calls'; calls: Array<{ name: string; args: unknown }> }
type TextReply = { kind: 'text'; text: string }
type VectorsReply = { kind: 'vectors'; vectors: number[][] }
type HttpErrorReply = { kind: 'http_error'; status: number; body: unknown; headers: Record<string, string> }
type DelayReply = { kind: 'delay'; ms: number; then: FakeReply }

/** What the server answers one request with; build one with {@link reply}. */
export type FakeReply = ToolCallsReply | TextReply | VectorsReply | HttpErrorReply | DelayReply

// Replies are recognised by identity, so `byTool` handlers can return plain tool arguments of any
// shape (even `{ kind: … }`) and still return a reply when they need an error or a delay.
const replies = new WeakSet<object>()
const branded = <R extends FakeReply>(value: R): R => {
  replies.add(value)
  return value
}
const isReply = (value: unknown): value is FakeReply => typeof value === 'object' && value !== null && replies.has(value)

/** Builders for {@link FakeReply}. */
export const reply = {
  /** One call to `name`. `args` is JSON-encoded, unless it is a string, which is sent raw (e.g. malformed JSON). */
  toolCall: (name: string, args: unknown): FakeReply => branded({ kind: 'tool_calls', calls: [{ name, args }] }),
  /** Several calls in one reply, as for `tool_choice: "required"`. */
  toolCalls: (calls: Array<{ name: string; args: unknown }>): FakeReply => branded({ kind: 'tool_calls', calls }),
  /** A plain text answer with no tool call. */
  text: (text: string): FakeReply => branded({ kind: 'text', text }),
  /** Embedding vectors, sent as given (not normalised). */
  vectors: (vectors: number[][]): FakeReply => branded({ kind: 'vectors', vectors }),
  /** An HTTP error with an OpenAI-style body; `retryAfter` (seconds) becomes the Retry-After header. */
  error: (status: number, options: { message?: string; code?: string; retryAfter?: number | string } = {}): FakeReply =>
    branded({
      kind: 'http_error',
      status,
      body: { error: { message: options.message ?? STATUS_CODES[status] ?? 'error', type: 'fake_error', code: options.code ?? null, param: null } },
      headers: options.retryAfter === undefined ? {} : { 'retry-after': String(options.retryAfter) },
    }),
  /** Waits `ms` before answering with `then` (for timeouts; the client may give up first). */
  delay: (ms: number, then: FakeReply = reply.text('')): FakeReply => branded({ kind: 'delay', ms, then }),
}

/** Answers a request from its body; `index` counts the requests this answerer has seen, from 0. */
export type Answerer<B> = (body: B, index: number) => FakeReply | Promise<FakeReply>

/** Answers one tool by name: tool arguments (sent as a call to that tool) or a {@link FakeReply}. */
export type ToolAnswerer = (body: ChatCompletionBody, index: number) => unknown

/**
 * How the server answers. Each endpoint takes a function of the request or a queue of replies.
 * An exhausted or missing chat script answers HTTP 400 (not retried, so the test fails at once);
 * embeddings default to deterministic bag-of-words vectors of the requested `dimensions` (1536,
 * text-embedding-3-small's size, when none is requested).
 */
export interface FakeOpenAIScript {
  chat?: Answerer<ChatCompletionBody> | FakeReply[]
  embeddings?: Answerer<EmbeddingsBody> | FakeReply[]
}

const DEFAULT_DIMENSIONS = 1536

/**
 * A local OpenAI-compatible HTTP server (127.0.0.1, a free port) so tests exercise the real
 * `openai` client: POST `/v1/chat/completions` and `/v1/embeddings`, answered from a script, every
 * request recorded. Test scaffolding only.
 *
 * ```ts
 * const server = await FakeOpenAIServer.byTool({ extract_facts: () => ({ facts: ['Likes tea'] }) })
 * const llm = new OpenAILLM({ baseURL: server.url, apiKey: 'test' })
 * // … server.chatRequests[0].messages …
 * await server.close()
 * ```
 */
export class FakeOpenAIServer {
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = []
  readonly #server: Server
  readonly #chat: Answerer<ChatCompletionBody>
  readonly #embeddings: Answerer<EmbeddingsBody>
  #chatCount = 0
  #embeddingsCount = 0

  private constructor(script: FakeOpenAIScript) {
    this.#chat = answerer(script.chat, (_, index) => reply.error(400, { message: `FakeOpenAIServer: no scripted reply for chat request #${index}` }))
    this.#embeddings = answerer(script.embeddings, async (body) => reply.vectors(await defaultVectors(body)))
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => send(response, 500, { error: { message: String(error) } }))
    })
  }

  /** Starts a server answering from `script`. */
  static async start(script: FakeOpenAIScript = {}): Promise<FakeOpenAIServer> {
    const server = new FakeOpenAIServer(script)
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve))
    return server
  }

  /**
   * Starts a server answering chat requests by tool: the forced tool's name, or `required` for
   * `tool_choice: "required"` (whose answerer must return a {@link reply}). An answerer is a
   * function or a queue of answers; `index` counts that tool's requests. Unless scripted itself,
   * `extract_memories` is answered by the `extract_facts` and `extract_graph` answerers, merged, and
   * `summarize_conversation` (the background summary refresh) with a fixed summary.
   */
  static async byTool(tools: Record<string, ToolAnswerer | unknown[]>, script: Omit<FakeOpenAIScript, 'chat'> = {}): Promise<FakeOpenAIServer> {
    const counts = new Map<string, number>()
    const answer = async (body: ChatCompletionBody, tool: string): Promise<unknown> => {
      const entry = tools[tool]
      const index = counts.get(tool) ?? 0
      counts.set(tool, index + 1)
      if (entry === undefined) return reply.error(400, { message: `FakeOpenAIServer: no answerer for tool ${tool}` })
      if (Array.isArray(entry) && entry.length === 0) return reply.error(400, { message: `FakeOpenAIServer: no answers left for ${tool}` })
      return Array.isArray(entry) ? entry.shift() : entry(body, index)
    }
    // Tools a script need not answer itself.
    const unscripted: Record<string, (body: ChatCompletionBody) => unknown> = {
      [COMBINED_EXTRACTION]: (body) => combinedExtraction((step) => answer(body, step), 'extract_graph' in tools, isReply),
      [SUMMARY]: () => ({ summary: SCRIPTED_SUMMARY }),
    }
    const chat: Answerer<ChatCompletionBody> = async (body) => {
      const choice = body.tool_choice
      const tool = typeof choice === 'object' ? choice.function.name : String(choice)
      const fallback = unscripted[tool]
      const answered = tool in tools || fallback === undefined ? await answer(body, tool) : await fallback(body)
      if (isReply(answered)) return answered
      if (typeof choice !== 'object') return reply.error(400, { message: `FakeOpenAIServer: answer "${tool}" with reply.toolCalls(…)` })
      return reply.toolCall(tool, answered)
    }
    return FakeOpenAIServer.start({ ...script, chat })
  }

  /** Base URL for the openai client, e.g. `http://127.0.0.1:PORT/v1`. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/v1`
  }

  /** Bodies of the chat completion requests, in order. */
  get chatRequests(): ChatCompletionBody[] {
    return this.#bodies('/v1/chat/completions') as ChatCompletionBody[]
  }

  /** Bodies of the embeddings requests, in order. */
  get embeddingRequests(): EmbeddingsBody[] {
    return this.#bodies('/v1/embeddings') as EmbeddingsBody[]
  }

  /** Stops listening and drops open connections (including ones waiting on a delay). */
  async close(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve, reject) => this.#server.close((error) => (error ? reject(error) : resolve())))
  }

  #bodies(path: string): unknown[] {
    return this.requests.filter((request) => request.path === path).map((request) => request.body)
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    const body: unknown = JSON.parse((await readBody(request)) || 'null')
    this.requests.push({ path, headers: request.headers, body })
    if (request.method === 'POST' && path === '/v1/chat/completions') {
      const chat = body as ChatCompletionBody
      await respond(response, await this.#chat(chat, this.#chatCount++), (answer) => completion(chat, answer))
    } else if (request.method === 'POST' && path === '/v1/embeddings') {
      const embeddings = body as EmbeddingsBody
      await respond(response, await this.#embeddings(embeddings, this.#embeddingsCount++), (answer) => embeddingList(embeddings, answer))
    } else {
      send(response, 404, { error: { message: `FakeOpenAIServer: no route ${request.method} ${path}`, type: 'invalid_request_error' } })
    }
  }
}

function answerer<B>(script: Answerer<B> | FakeReply[] | undefined, fallback: Answerer<B>): Answerer<B> {
  if (typeof script === 'function') return script
  const queue = script ?? []
  return (body, index) => queue.shift() ?? fallback(body, index)
}

/** Sends an error or, after any delay, the success body `render` makes of the reply. */
async function respond(response: ServerResponse, answer: FakeReply, render: (answer: FakeReply) => unknown): Promise<void> {
  if (answer.kind === 'delay') {
    await new Promise((resolve) => setTimeout(resolve, answer.ms).unref())
    if (response.destroyed) return
    return respond(response, answer.then, render)
  }
  if (answer.kind === 'http_error') return send(response, answer.status, answer.body, answer.headers)
  send(response, 200, render(answer))
}

function completion(body: ChatCompletionBody, answer: FakeReply): unknown {
  if (answer.kind !== 'tool_calls' && answer.kind !== 'text') throw new Error(`a ${answer.kind} reply cannot answer a chat request`)
  const toolCalls =
    answer.kind === 'tool_calls'
      ? answer.calls.map((call, index) => ({
          id: `call_${index}`,
          type: 'function',
          function: { name: call.name, arguments: typeof call.args === 'string' ? call.args : JSON.stringify(call.args) },
        }))
      : undefined
  const content = answer.kind === 'text' ? answer.text : null
  // Rough but deterministic token counts (about four characters a token), enough for usage tests.
  const promptTokens = Math.ceil(JSON.stringify(body.messages).length / 4)
  const completionTokens = Math.ceil(JSON.stringify(toolCalls ?? content).length / 4)
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null, ...(toolCalls && { tool_calls: toolCalls }) },
        finish_reason: toolCalls ? 'tool_calls' : 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  }
}

function embeddingList(body: EmbeddingsBody, answer: FakeReply): unknown {
  if (answer.kind !== 'vectors') throw new Error(`a ${answer.kind} reply cannot answer an embeddings request`)
  const tokens = inputs(body).join(' ').split(/\s+/).length
  return {
    object: 'list',
    model: body.model,
    data: answer.vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      // base64 is the openai client's default when the caller names no encoding.
      embedding: body.encoding_format === 'base64' ? Buffer.from(Float32Array.from(vector).buffer).toString('base64') : vector,
    })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  }
}

async function defaultVectors(body: EmbeddingsBody): Promise<number[][]> {
  const vectors = await new HashEmbedder(body.dimensions ?? DEFAULT_DIMENSIONS).embed(inputs(body))
  return vectors.map((vector) => Array.from(vector))
}

function inputs(body: EmbeddingsBody): string[] {
  return typeof body.input === 'string' ? [body.input] : body.input
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.destroyed) return
  response.writeHead(status, { 'content-type': 'application/json', ...headers })
  response.end(JSON.stringify(body))
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
