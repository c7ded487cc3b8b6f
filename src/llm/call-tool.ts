import { z } from 'zod'
import { EngramError, describeZodError } from '../errors.js'
import type { ChatMessage, ChatResponse, LLM, ToolCall, ToolChoice, ToolDefinition } from '../ports.js'

/**
 * Most UTF-8 bytes one answer of the model may have: its text and the arguments of all its calls.
 * A model's longest useful answer is tens of kilobytes; more is a runaway generation, refused
 * before its JSON is parsed. (The fields of each tool are bounded by its schema as well.)
 */
export const MAX_ANSWER_BYTES = 1_048_576

// How much of a refused oversized answer the corrective retry shows the model again.
const OVERSIZED_ECHO_LENGTH = 1000

/**
 * A function tool Engram offers the model (docs/contract.md). The one zod schema is both what the model is
 * shown (as JSON Schema) and what its arguments are validated with, so the two cannot drift.
 */
export interface ToolSpec<S extends z.ZodType = z.ZodType> {
  /** The wire name the model calls, fixed by docs/contract.md (e.g. `extract_facts`). */
  name: string
  description: string
  schema: S
}

/**
 * Forces a call to `tool` and returns its validated arguments.
 *
 * A reply without that call, with unparsable JSON or with arguments the schema rejects is retried
 * once, with the model's own output and the exact problem appended to the conversation.
 *
 * @throws EngramError `LLM_BAD_OUTPUT` when the corrected attempt fails too; transport errors of
 * the LLM (e.g. `LLM_UNAVAILABLE`) propagate unchanged.
 */
export async function callTool<S extends z.ZodType>(llm: LLM, request: { messages: ChatMessage[]; tool: ToolSpec<S> }): Promise<z.output<S>> {
  const choice: ToolChoice = { type: 'tool', name: request.tool.name }
  const [first] = await converse(llm, request.messages, [request.tool], choice)
  return first.args as z.output<S>
}

/**
 * Requires one or more calls among `tools` and returns each validated call, in the model's order.
 * Retries and errors as {@link callTool}; one bad call retries the whole reply.
 */
export async function callTools(llm: LLM, request: { messages: ChatMessage[]; tools: ToolSpec[] }): Promise<Array<{ name: string; args: unknown }>> {
  return converse(llm, request.messages, request.tools, { type: 'required' })
}

/** One validated tool call: the tool's name and its arguments as the schema parsed them. */
type ValidToolCall = { name: string; args: unknown }

type Outcome = { ok: true; calls: [ValidToolCall, ...ValidToolCall[]] } | { ok: false; problem: string }

/** Asks, and on a bad reply asks once more with the problem shown (docs/contract.md: one corrective retry). */
async function converse(llm: LLM, messages: ChatMessage[], tools: ToolSpec[], toolChoice: ToolChoice): Promise<[ValidToolCall, ...ValidToolCall[]]> {
  const definitions = tools.map(toDefinition)
  const offered = new Map(tools.map((tool) => [tool.name, tool]))
  const first = await llm.chat({ messages, tools: definitions, toolChoice })
  const firstOutcome = readCalls(first, offered, toolChoice)
  if (firstOutcome.ok) return firstOutcome.calls

  const corrected: ChatMessage[] = [
    ...messages,
    { role: 'assistant', content: describeReply(first, answerBytes(first) > MAX_ANSWER_BYTES) },
    { role: 'user', content: correction(firstOutcome.problem, toolChoice, tools) },
  ]
  const second = await llm.chat({ messages: corrected, tools: definitions, toolChoice })
  const secondOutcome = readCalls(second, offered, toolChoice)
  if (secondOutcome.ok) return secondOutcome.calls
  throw new EngramError(
    'LLM_BAD_OUTPUT',
    `${llm.model} did not call ${expected(toolChoice, tools)} correctly, even after being shown the problem: ${secondOutcome.problem}`,
  )
}

function toDefinition(tool: ToolSpec): ToolDefinition {
  // `io: 'input'`: the model writes what the schema accepts (before defaults and transforms),
  // which is exactly what safeParse reads back. `$schema` is dropped: OpenAI-compatible servers
  // expect a bare object schema in `parameters`.
  const { $schema: _dialect, ...parameters } = z.toJSONSchema(tool.schema, { io: 'input' })
  return { name: tool.name, description: tool.description, parameters }
}

function readCalls(response: ChatResponse, offered: Map<string, ToolSpec>, toolChoice: ToolChoice): Outcome {
  const bytes = answerBytes(response)
  if (bytes > MAX_ANSWER_BYTES) {
    return { ok: false, problem: `the reply has ${bytes} bytes, more than the ${MAX_ANSWER_BYTES} one answer may have; answer with fewer, shorter items` }
  }
  const calls: ValidToolCall[] = []
  const problems: string[] = []
  for (const call of response.toolCalls) {
    const result = readCall(call, offered)
    if (typeof result === 'string') problems.push(result)
    else calls.push(result)
  }
  if (problems.length > 0) return { ok: false, problem: problems.join('\n') }
  const [first, ...others] = calls
  if (first === undefined) {
    return { ok: false, problem: `the reply was text instead of a call to ${expected(toolChoice, [...offered.values()])}` }
  }
  return { ok: true, calls: [first, ...others] }
}

/** A validated call, or the problem with it in words the model (and a person) can act on. */
function readCall(call: ToolCall, offered: Map<string, ToolSpec>): ValidToolCall | string {
  const tool = offered.get(call.name)
  if (tool === undefined) {
    return `\`${call.name}\` is not an available tool; the tools are ${[...offered.keys()].map((name) => `\`${name}\``).join(', ')}`
  }
  let raw: unknown
  try {
    // Some servers send "" for a tool without parameters (`noop`); that means no arguments.
    raw = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments)
  } catch (error) {
    return `the arguments of \`${call.name}\` are not valid JSON (${(error as Error).message})`
  }
  const parsed = tool.schema.safeParse(raw)
  if (!parsed.success) {
    return `the arguments of \`${call.name}\` do not match its schema: ${describeZodError(parsed.error)}`
  }
  return { name: call.name, args: parsed.data }
}

/** UTF-8 bytes of an answer: its text and the arguments of its calls. */
function answerBytes(response: ChatResponse): number {
  return response.toolCalls.reduce((bytes, call) => bytes + Buffer.byteLength(call.arguments, 'utf8'), Buffer.byteLength(response.text, 'utf8'))
}

/**
 * The model's previous output, as an assistant message: ChatMessage carries no structured tool
 * calls. An `oversized` reply is shown by its beginning only, so that the retry stays small.
 */
function describeReply(response: ChatResponse, oversized: boolean): string {
  const shown = (text: string): string =>
    oversized && text.length > OVERSIZED_ECHO_LENGTH ? `${text.slice(0, OVERSIZED_ECHO_LENGTH).toWellFormed()}… (cut)` : text
  const calls = response.toolCalls.map((call) => `Called \`${call.name}\` with arguments: ${shown(call.arguments)}`)
  const parts = [shown(response.text.trim()), ...calls].filter((part) => part !== '')
  return parts.length > 0 ? parts.join('\n') : '(empty reply)'
}

function correction(problem: string, toolChoice: ToolChoice, tools: ToolSpec[]): string {
  return [
    `Your previous reply could not be used: ${problem}.`,
    `Call ${expected(toolChoice, tools)} again, with arguments that match its JSON schema exactly.`,
  ].join('\n')
}

function expected(toolChoice: ToolChoice, tools: ToolSpec[]): string {
  if (toolChoice.type === 'tool') return `the \`${toolChoice.name}\` tool`
  return `one or more of the tools ${tools.map((tool) => `\`${tool.name}\``).join(', ')}`
}
