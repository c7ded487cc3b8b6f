import { EngramError } from '../errors.js'
import { addOptionsSchema, type Message, messagesSchema, parseInput } from '../input.js'
import { definedScope } from '../memory-records.js'
import type { AddInput } from '../pipelines/add-input.js'
import { chunkConversation } from '../pipelines/chunk-conversation.js'
import type { PipelineContext } from '../pipelines/context.js'
import { runFactPipeline } from '../pipelines/fact-pipeline.js'
import { commitGraph, planGraph } from '../pipelines/graph-pipeline.js'
import { requireLLM } from '../pipelines/require-llm.js'
import { storeVerbatim } from '../pipelines/store-verbatim.js'
import type { LLM } from '../ports.js'
import type { AddResult, StageError } from '../types.js'

/**
 * `Memory.add`: validates everything before touching a store, then either stores the messages
 * verbatim (`infer: false`, no graph) or runs both pipelines over each chunk of the conversation
 * in order, so a later chunk sees what an earlier one stored.
 */
export async function add(ctx: PipelineContext, messages: unknown, options: unknown): Promise<AddResult> {
  const input = parseAddInput(ctx, messages, options)
  const result: AddResult = { results: [], relations: { added: [], updated: [], invalidated: [] } }
  const errors: StageError[] = []
  if (!input.infer) {
    const stored = await storeVerbatim(ctx, input)
    result.results.push(...stored.events)
    errors.push(...historyErrors(stored.historyError))
    return withErrors(result, errors)
  }
  const llm = requireLLM(ctx)
  const chunks = chunkConversation(input.messages, ctx.config.limits.chunkTokens)
  for (const [index, chunk] of chunks.entries()) {
    const failures = await addChunk(ctx, llm, { ...input, messages: chunk }, result, errors)
    if (failures.length === 0) continue
    // Nothing at all was written: the caller gets the error itself rather than an empty result.
    if (index === 0 && failures.length === (input.graph ? 2 : 1)) throw failures[0]
    const reasons = failures.map((failure) => (failure instanceof Error ? failure.message : String(failure))).join('; ')
    if (index < chunks.length - 1) errors.push({ stage: 'facts', message: `chunks ${index + 2}..${chunks.length} were not processed after: ${reasons}` })
    break
  }
  return withErrors(result, errors)
}

/**
 * One chunk: the fact pipeline and the graph plan run side by side, so the add takes as long as
 * the slower one; the graph write then cites the facts' memory ids. A failed stage becomes an
 * `errors` entry and does not undo the other (SPEC §6). Returns the failures.
 */
async function addChunk(ctx: PipelineContext, llm: LLM, input: AddInput, result: AddResult, errors: StageError[]): Promise<unknown[]> {
  const graph = input.graph ? ctx.graph : null
  const [facts, plan] = await Promise.all([
    settle(runFactPipeline(ctx, llm, input)),
    graph === null ? undefined : settle(planGraph(ctx, llm, graph, input, input.observedAt)),
  ])
  const failures: unknown[] = []
  if (facts.ok) {
    result.results.push(...facts.value.events)
    errors.push(...facts.value.problems.map((message) => ({ stage: 'facts' as const, message })), ...historyErrors(facts.value.historyError))
  } else {
    failures.push(facts.error)
    errors.push({ stage: 'facts', message: messageOf(facts.error) })
  }
  if (graph === null || plan === undefined) return failures
  const written = plan.ok ? await settle(commitGraph(ctx, graph, plan.value, input, facts.ok ? facts.value.supporting : [])) : plan
  if (written.ok) {
    result.relations.added.push(...written.value.added)
    result.relations.updated.push(...written.value.updated)
    result.relations.invalidated.push(...written.value.invalidated)
    errors.push(...historyErrors(written.value.historyError))
  } else {
    failures.push(written.error)
    errors.push({ stage: 'graph', message: messageOf(written.error) })
  }
  if (plan.ok) errors.push(...plan.value.problems.map((message) => ({ stage: 'graph' as const, message })))
  return failures
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

/** A promise that never rejects: the pipelines fail independently. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  )
}

/** Parses and bounds an add's input; nothing has been written when this throws. */
export function parseAddInput(ctx: PipelineContext, messages: unknown, options: unknown): AddInput {
  const opts = parseInput(addOptionsSchema, options, 'options')
  const conversation = toMessages(parseInput(messagesSchema, messages, 'messages'))
  if (!conversation.some((message) => message.content.trim().length > 0)) {
    throw new EngramError('INVALID_INPUT', 'invalid messages: there must be at least one message with non-empty content')
  }
  const bytes = conversation.reduce((total, message) => total + Buffer.byteLength(message.content, 'utf8'), 0)
  const limit = ctx.config.limits.maxInputBytes
  if (bytes > limit) {
    throw new EngramError(
      'INVALID_INPUT',
      `invalid messages: ${bytes} bytes exceed the limit of ${limit} bytes per add; split the conversation or raise config.limits.maxInputBytes`,
    )
  }
  if (opts.graph === true && ctx.graph === null) {
    throw new EngramError('INVALID_INPUT', 'invalid options.graph: no graph store is configured (graphStore.provider is "none")')
  }
  const infer = opts.infer ?? true
  return {
    messages: conversation,
    scope: definedScope(opts),
    metadata: opts.metadata ?? {},
    infer,
    graph: infer && (opts.graph ?? ctx.graph !== null),
    observedAt: opts.observedAt === undefined ? ctx.now() : new Date(opts.observedAt),
  }
}

function toMessages(messages: string | Message[]): Message[] {
  return typeof messages === 'string' ? [{ role: 'user', content: messages }] : messages
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function historyErrors(historyError: string | undefined): StageError[] {
  return historyError === undefined ? [] : [{ stage: 'history', message: historyError }]
}

function withErrors(result: AddResult, errors: StageError[]): AddResult {
  return errors.length > 0 ? { ...result, errors } : result
}
