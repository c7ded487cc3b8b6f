/**
 * Wraps an LLM to count what Engram asks of it: calls per step, prompt and completion tokens
 * (js-tiktoken, cl100k_base) and when each call started and ended, optionally adding a fixed
 * latency so that overlapping calls show as overlapping.
 */
import { getEncoding } from 'js-tiktoken'
import { performance } from 'node:perf_hooks'
import type { ChatRequest, ChatResponse, LLM } from '../../src/ports.js'
import { chatText } from '../../src/llm/chat-text.js'

const encoding = getEncoding('cl100k_base')
const tokens = (text: string): number => encoding.encode(text).length

/**
 * OpenAI's accounting for chat messages: about 3 tokens of framing per message plus 3 to prime
 * the reply. How function definitions are billed is not published; the JSON of the tool list is
 * a close, slightly high stand-in.
 */
const PER_MESSAGE = 3
const PER_REPLY = 3

/** One chat call as the wrapper saw it. */
export interface MeteredCall {
  /** extract_facts, update_memory, extract_graph, or update_graph (the tool_choice "required" step). */
  step: string
  promptTokens: number
  completionTokens: number
  startMs: number
  endMs: number
}

export class MeteredLLM implements LLM {
  readonly model: string
  #calls: MeteredCall[] = []
  /** Time spent inside `chat`, latency included, summed over calls (they may overlap). */
  busyMs = 0

  constructor(
    readonly inner: LLM,
    readonly latencyMs = 0,
  ) {
    this.model = `${inner.model} (metered)`
  }

  /** The calls since the last `take()`, and forgets them. */
  take(): MeteredCall[] {
    const calls = this.#calls
    this.#calls = []
    return calls
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const startMs = performance.now()
    const promptTokens =
      request.messages.reduce((sum, message) => sum + PER_MESSAGE + tokens(chatText(message.content)), PER_REPLY) + tokens(JSON.stringify(request.tools))
    const response = await this.inner.chat(request)
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs))
    const completionTokens = response.toolCalls.reduce((sum, call) => sum + tokens(call.name) + tokens(call.arguments), tokens(response.text))
    const endMs = performance.now()
    this.busyMs += endMs - startMs
    const step = request.toolChoice.type === 'tool' ? request.toolChoice.name : 'update_graph'
    this.#calls.push({ step, promptTokens, completionTokens, startMs, endMs })
    return { ...response, usage: { promptTokens, completionTokens } }
  }
}

/**
 * The longest chain of calls where each started after the one before had ended: the LLM round
 * trips an add waits for one after another. Meaningful when the wrapper adds a latency larger
 * than Engram's own work between two calls, so that calls made side by side overlap.
 */
export function sequentialRoundTrips(calls: readonly MeteredCall[]): number {
  const depth = new Map<MeteredCall, number>()
  const ordered = [...calls].sort((a, b) => a.startMs - b.startMs)
  for (const call of ordered) {
    const before = ordered.filter((other) => other.endMs <= call.startMs).map((other) => depth.get(other) ?? 0)
    depth.set(call, 1 + Math.max(0, ...before))
  }
  return Math.max(0, ...depth.values())
}
