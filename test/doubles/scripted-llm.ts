import type { ChatRequest, ChatResponse, LLM } from '../../src/ports.js'
import { COMBINED_EXTRACTION, combinedExtraction, SCRIPTED_SUMMARY, SUMMARY } from './unscripted-tools.js'

/** What a scripted step answers: tool arguments (an object) or a whole response. */
export type ScriptedAnswer = unknown

/** Answers one request; `tool` is the forced tool's name, or 'required' for the graph-update step. */
export type Responder = (request: ChatRequest, tool: string) => ScriptedAnswer | Promise<ScriptedAnswer>

/** A chat response calling one tool with these arguments. */
export function toolCall(name: string, args: unknown): ChatResponse {
  return { toolCalls: [{ name, arguments: JSON.stringify(args) }], text: '' }
}

const isResponse = (value: unknown): value is ChatResponse =>
  typeof value === 'object' && value !== null && 'toolCalls' in value && Array.isArray((value as ChatResponse).toolCalls)

/**
 * An in-process LLM test double. Each forced tool gets answered by a function of the request
 * (or a queue of answers); every request is recorded in `requests` so tests can assert what the
 * model was shown and how many calls were made. `summarize_conversation`, unless scripted, gets
 * {@link SCRIPTED_SUMMARY}, so scripts written for extraction need not answer the background
 * refresh. Test scaffolding only, never a product default.
 */
export class ScriptedLLM implements LLM {
  readonly model = 'scripted'
  readonly requests: ChatRequest[] = []
  readonly #script: Record<string, Responder | ScriptedAnswer[]>

  constructor(script: Record<string, Responder | ScriptedAnswer[]>) {
    this.#script = script
  }

  /** Requests whose forced tool (or offered tools, for `required`) include `name`. */
  callsTo(name: string): ChatRequest[] {
    return this.requests.filter((request) => request.tools.some((tool) => tool.name === name))
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    this.requests.push(request)
    const tool = request.toolChoice.type === 'tool' ? request.toolChoice.name : 'required'
    const answer = await this.#respond(request, tool)
    return isResponse(answer) ? answer : toolCall(tool, answer)
  }

  async #respond(request: ChatRequest, tool: string): Promise<ScriptedAnswer> {
    if (tool in this.#script) return this.#answer(request, tool)
    if (tool === COMBINED_EXTRACTION) return combinedExtraction((step) => this.#answer(request, step), 'extract_graph' in this.#script, isResponse)
    if (tool === SUMMARY) return { summary: SCRIPTED_SUMMARY }
    return this.#answer(request, tool)
  }

  async #answer(request: ChatRequest, tool: string): Promise<ScriptedAnswer> {
    const entry = this.#script[tool]
    if (entry === undefined) throw new Error(`ScriptedLLM has no answer for ${tool}`)
    if (!Array.isArray(entry)) return entry(request, tool)
    if (entry.length === 0) throw new Error(`ScriptedLLM ran out of answers for ${tool}`)
    return entry.shift()
  }
}
