import { EngramError } from '../errors.js'
import { inputSchemas, type Message, messagesSchema, parseInput } from '../input.js'
import { definedScope } from '../memory-records.js'
import type { AddInput } from '../pipelines/add-input.js'
import { chunkConversation } from '../pipelines/chunk-conversation.js'
import type { PipelineContext } from '../pipelines/context.js'
import { startExtraction } from '../pipelines/extraction.js'
import { planFacts } from '../pipelines/fact-pipeline.js'
import { graphWrites, NO_GRAPH_PLAN, planGraph } from '../pipelines/graph-pipeline.js'
import { requireLLM } from '../pipelines/require-llm.js'
import { type FactWrites, NO_FACT_WRITES } from '../pipelines/steps/plan-memory-writes.js'
import { graphOutcome, type RelationWrites } from '../pipelines/steps/plan-relation-writes.js'
import { planVerbatim } from '../pipelines/store-verbatim.js'
import { commitAdd } from '../journal/commit-add.js'
import type { JournalPlan } from '../journal/journal-plan.js'
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
    const writes = await planVerbatim(ctx, input)
    const committed = await commitAdd(ctx, journalPlan(input, writes, null))
    if (committed.factsError !== undefined) throw committed.factsError
    result.results.push(...writes.events)
    errors.push(...historyErrors(committed.historyError))
    return withErrors(result, errors)
  }
  const llm = requireLLM(ctx)
  const chunks = chunkConversation(input.messages, ctx.config.limits.chunkTokens)
  for (const [index, chunk] of chunks.entries()) {
    const failures = await addChunk(ctx, llm, { ...input, messages: chunk }, result, errors)
    if (failures.length === 0) continue
    // Nothing at all was written: the caller gets the error itself rather than an empty result.
    if (index === 0 && failures.length === (input.graph ? 2 : 1)) throw failures[0]
    const reasons = failures.map(messageOf).join('; ')
    if (index < chunks.length - 1) errors.push({ stage: 'facts', message: `chunks ${index + 2}..${chunks.length} were not processed after: ${reasons}` })
    break
  }
  return withErrors(result, errors)
}

/**
 * One chunk: the fact pipeline and the graph plan run side by side, so the add takes as long as
 * the slower one; then every write of the chunk goes through the journal at once, the graph's
 * relations citing the facts' memory ids. A failed stage becomes an `errors` entry and does not
 * undo the other (SPEC §6). Returns the failures.
 */
async function addChunk(ctx: PipelineContext, llm: LLM, input: AddInput, result: AddResult, errors: StageError[]): Promise<unknown[]> {
  const graph = input.graph ? ctx.graph : null
  const extraction = startExtraction(ctx, llm, input)
  const [facts, plan] = await Promise.all([
    settle(planFacts(ctx, llm, input, extraction.facts)),
    graph === null || extraction.graph === null ? undefined : settle(planGraph(ctx, llm, graph, input, extraction.graph)),
  ])
  const failures: unknown[] = []
  const fail = (stage: 'facts' | 'graph', error: unknown) => {
    failures.push(error)
    errors.push({ stage, message: messageOf(error) })
  }
  if (!facts.ok) fail('facts', facts.error)
  if (plan !== undefined && !plan.ok) fail('graph', plan.error)
  const factWrites = facts.ok ? facts.value.writes : NO_FACT_WRITES
  // Memories this add deletes leave the graph's provenance even when it writes no relation.
  const relationWrites =
    ctx.graph === null
      ? null
      : graphWrites(ctx, plan?.ok ? plan.value : NO_GRAPH_PLAN, input, facts.ok ? facts.value.supporting : [], factWrites.deletes.map((memory) => memory.id))
  const writes = journalPlan(input, factWrites, relationWrites)
  const committed = await commitAdd(ctx, writes)
  if (committed.factsError !== undefined) fail('facts', committed.factsError)
  else result.results.push(...factWrites.events)
  if (committed.graphError !== undefined) fail('graph', committed.graphError)
  if (committed.graphEvents !== null) {
    const outcome = graphOutcome(committed.graphEvents)
    result.relations.added.push(...outcome.added)
    result.relations.updated.push(...outcome.updated)
    result.relations.invalidated.push(...outcome.invalidated)
  }
  errors.push(...historyErrors(committed.historyError))
  if (facts.ok) errors.push(...facts.value.problems.map((message) => ({ stage: 'facts' as const, message })))
  if (plan?.ok) errors.push(...plan.value.problems.map((message) => ({ stage: 'graph' as const, message })))
  return failures
}

/** What the journal records for one chunk's writes. */
function journalPlan(input: AddInput, facts: FactWrites, relations: RelationWrites | null): JournalPlan {
  return {
    scope: input.scope,
    vector: { inserts: facts.inserts, updates: facts.updates, deletes: facts.deletes },
    history: facts.history,
    graph: relations?.changes ?? null,
    graphHistory: relations?.merges ?? [],
  }
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
  const opts = parseInput(inputSchemas(ctx.config.limits).addOptions, options, 'options')
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
