import { EngramError } from '../errors.js'
import { inputSchemas, type Message, messagesSchema, parseInput } from '../input.js'
import { definedScope } from '../memory-records.js'
import type { AddInput } from '../pipelines/add-input.js'
import { chunkConversation } from '../pipelines/chunk-conversation.js'
import type { PipelineContext } from '../pipelines/context.js'
import { followedBy, loadEarlierConversation, rememberConversation } from '../pipelines/conversation-context.js'
import { conversationOf, describeImages, hasContent, inputBytes } from '../pipelines/describe-images.js'
import { startExtraction } from '../pipelines/extraction.js'
import { planFacts } from '../pipelines/fact-pipeline.js'
import { graphWrites, NO_GRAPH_PLAN, planGraph } from '../pipelines/graph-pipeline.js'
import { planProcedure } from '../pipelines/procedural.js'
import { requireLLM } from '../pipelines/require-llm.js'
import { type FactWrites, NO_FACT_WRITES } from '../pipelines/steps/plan-memory-writes.js'
import { graphOutcome, type RelationWrites } from '../pipelines/steps/plan-relation-writes.js'
import { planVerbatim } from '../pipelines/store-verbatim.js'
import { commitAdd } from '../journal/commit-add.js'
import { evictOverCount } from './prune.js'
import type { JournalPlan } from '../journal/journal-plan.js'
import type { LLM } from '../ports.js'
import type { EarlierConversation } from '../prompts/render.js'
import type { AddResult, StageError } from '../types.js'

/**
 * `Memory.add`: validates everything before touching a store and puts image descriptions in the
 * images' place; then stores the messages verbatim (`infer: false`, no graph), or one summary of
 * an agent's run (`memoryType: 'procedural'`), or runs both pipelines over each chunk of the
 * conversation in order, so a later chunk sees what an earlier one stored.
 */
export async function add(ctx: PipelineContext, messages: unknown, options: unknown): Promise<AddResult> {
  const parsed = parseAddInput(ctx, messages, options)
  // With infer, a missing LLM fails the add before anything else, images or not.
  const llm = parsed.infer ? requireLLM(ctx) : null
  const described = await describeImages(llm, parsed.messages, ctx.config.prompts.describeImage)
  const input: AddInput = { ...parsed, messages: described.messages }
  const result: AddResult = { results: [], relations: { added: [], updated: [], invalidated: [] } }
  const errors: StageError[] = described.warnings.map((message) => ({ stage: 'facts', message }))
  // Only images, none of them described: nothing to remember, and nothing wrong with the input.
  if (!input.messages.some((message) => message.content.trim().length > 0)) return withErrors(result, errors)
  if (llm === null || input.memoryType === 'procedural') {
    // The messages verbatim, or one summary of an agent's run (pipelines/procedural.ts): no facts, no graph.
    const writes = llm === null ? await planVerbatim(ctx, input) : await planProcedure(ctx, llm, input)
    const committed = await commitAdd(ctx, journalPlan(input, writes, null))
    if (committed.factsError !== undefined) throw committed.factsError
    result.results.push(...writes.events)
    errors.push(...historyErrors(committed.historyError))
    return finishAdd(ctx, input, result, errors)
  }
  // What came before, to resolve references ("she"); a later chunk also sees the earlier chunks.
  let earlier = await loadEarlierConversation(ctx, input, errors)
  const chunks = chunkConversation(input.messages, ctx.config.limits.chunkTokens)
  for (const [index, chunk] of chunks.entries()) {
    const failures = await addChunk(ctx, llm, { ...input, messages: chunk }, earlier, result, errors)
    earlier = followedBy(ctx, earlier, chunk)
    if (failures.length === 0) continue
    // Nothing at all was written: the caller gets the error itself rather than an empty result.
    if (index === 0 && failures.length === (input.graph ? 2 : 1)) throw failures[0]
    const reasons = failures.map(messageOf).join('; ')
    if (index < chunks.length - 1) errors.push({ stage: 'facts', message: `chunks ${index + 2}..${chunks.length} were not processed after: ${reasons}` })
    break
  }
  return finishAdd(ctx, input, result, errors)
}

/** What every add that wrote ends with: retention's `maxCount`, then the conversation kept for later adds. */
async function finishAdd(ctx: PipelineContext, input: AddInput, result: AddResult, errors: StageError[]): Promise<AddResult> {
  await evictOver(ctx, input, result, errors)
  // An agent's run is not conversation that later messages refer back to.
  if (input.memoryType === 'semantic') errors.push(...(await rememberConversation(ctx, input)))
  return withErrors(result, errors)
}

/** Retention `maxCount`: what this add took over the limit is deleted at once, reported as DELETE events. */
async function evictOver(ctx: PipelineContext, input: AddInput, result: AddResult, errors: StageError[]): Promise<void> {
  if (!result.results.some((event) => event.event === 'ADD')) return
  try {
    const { deleted } = await evictOverCount(ctx, input.scope)
    result.results.push(...deleted)
  } catch (error) {
    errors.push({ stage: 'facts', message: `retention maxCount: ${messageOf(error)}` })
  }
}

/**
 * One chunk: the fact pipeline and the graph plan run side by side, so the add takes as long as
 * the slower one; then every write of the chunk goes through the journal at once, the graph's
 * relations citing the facts' memory ids. A failed stage becomes an `errors` entry and does not
 * undo the other (docs/contract.md). Returns the failures.
 */
async function addChunk(
  ctx: PipelineContext,
  llm: LLM,
  input: AddInput,
  earlier: EarlierConversation | undefined,
  result: AddResult,
  errors: StageError[],
): Promise<unknown[]> {
  const graph = input.graph ? ctx.graph : null
  const extraction = startExtraction(ctx, llm, input, earlier)
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
      : graphWrites(
          ctx,
          plan?.ok ? plan.value : NO_GRAPH_PLAN,
          input,
          facts.ok ? facts.value.supporting : [],
          factWrites.deletes.map((memory) => memory.id),
        )
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
    vector: { inserts: facts.inserts, updates: facts.updates, deletes: facts.deletes, mentions: facts.reinforcements },
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

/** An add's validated input, its messages as given: images not yet described (pipelines/describe-images.ts). */
type ParsedAdd = Omit<AddInput, 'messages'> & { messages: Message[] }

/** Parses and bounds an add's input; nothing has been written when this throws. */
export function parseAddInput(ctx: PipelineContext, messages: unknown, options: unknown): ParsedAdd {
  const opts = parseInput(inputSchemas(ctx.config.limits).addOptions, options, 'options')
  const conversation = conversationOf(parseInput(messagesSchema, messages, 'messages'))
  if (!conversation.some(hasContent)) {
    throw new EngramError('INVALID_INPUT', 'invalid messages: there must be at least one message with non-empty content')
  }
  const bytes = inputBytes(conversation)
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
  const expiresAt = opts.expiresAt === undefined ? null : new Date(opts.expiresAt)
  if (expiresAt !== null && expiresAt.getTime() <= ctx.now().getTime()) {
    throw new EngramError('INVALID_INPUT', `invalid options.expiresAt: ${expiresAt.toISOString()} is not in the future, so nothing stored could ever be read`)
  }
  return {
    messages: conversation,
    scope: definedScope(opts),
    metadata: opts.metadata ?? {},
    infer,
    graph: infer && (opts.graph ?? ctx.graph !== null),
    observedAt: opts.observedAt === undefined ? ctx.now() : new Date(opts.observedAt),
    expiresAt,
    memoryType: opts.memoryType ?? 'semantic',
  }
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
