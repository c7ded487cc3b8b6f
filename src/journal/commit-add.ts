import { randomUUID } from 'node:crypto'
import type { PipelineContext } from '../pipelines/context.js'
import { graphHistory } from '../pipelines/steps/plan-relation-writes.js'
import type { GraphEvent } from '../ports.js'
import { encodePlan, type JournalPlan, type JournalProgress, withStableIds } from './journal-plan.js'

/** What an add's writes came to. */
export interface CommitOutcome {
  /** The vector writes failed and were undone (or will be by recovery): no fact of this add is stored. */
  factsError?: unknown
  /** What the graph transaction did, when it was applied. */
  graphEvents: GraphEvent[] | null
  graphError?: unknown
  /** The audit rows could not be written; recovery writes them later. */
  historyError?: string
}

/** Entries this process is writing right now: recovery must not touch them. */
export const entriesInFlight = new Set<string>()

/**
 * Writes one add through the journal: intent first, then the vector store, the graph (one
 * transaction, idempotent under the entry id), the history, and completion last. A plan with
 * nothing to write returns at once, without a journal entry. A crash at
 * any point leaves an entry that recovery (journal/recover.ts) completes. A failed vector write
 * is undone at once, and the graph is then not written: its relations would cite facts that do
 * not exist. A failed graph write keeps the facts (SPEC §6).
 */
export async function commitAdd(ctx: PipelineContext, plan: JournalPlan): Promise<CommitOutcome> {
  const id = randomUUID()
  const graph = plan.graph !== null && ctx.graph !== null ? { ...plan.graph, operationId: id } : null
  const vectorWrites = hasVectorWrites(plan)
  // Nothing to write: no journal entry either.
  if (!vectorWrites && graph === null) return { graphEvents: null }
  const journaled: JournalPlan = { ...plan, graph }
  const progress: JournalProgress = { vector: !vectorWrites, graph: graph === null ? 'none' : 'pending' }
  await ctx.journal.begin({ id, state: 'pending', ownerPid: process.pid, plan: encodePlan(journaled), progress: JSON.stringify(progress), createdAt: ctx.now().toISOString() })
  entriesInFlight.add(id)
  try {
    if (!progress.vector) {
      try {
        await writeVectors(ctx, plan)
      } catch (error) {
        await ctx.journal.mark(id, 'rolling_back', JSON.stringify(progress))
        // Still unreachable? Then the entry stays, and recovery undoes the writes later.
        await undoVectorWrites(ctx, plan).then(() => ctx.journal.finish(id), () => undefined)
        return { factsError: error, graphEvents: null, ...(graph !== null ? { graphError: new Error('relations not written: the facts they cite could not be stored') } : {}) }
      }
      progress.vector = true
      await ctx.journal.mark(id, 'pending', JSON.stringify(progress))
    }
    let graphEvents: GraphEvent[] | null = null
    let graphError: unknown
    if (graph !== null) {
      try {
        graphEvents = await ctx.graph!.apply(graph)
        progress.graph = 'applied'
      } catch (error) {
        graphError = error
        progress.graph = 'failed'
        await ctx.journal.mark(id, 'pending', JSON.stringify(progress))
      }
    }
    const outcome: CommitOutcome = { graphEvents, ...(graphError !== undefined ? { graphError } : {}) }
    try {
      await writeHistory(ctx, id, journaled, graphEvents)
    } catch (error) {
      return { ...outcome, historyError: error instanceof Error ? error.message : String(error) }
    }
    // A failed graph write stays journaled: recovery checks whether it committed after all.
    if (progress.graph !== 'failed') await completeEntry(ctx, id, graph !== null)
    return outcome
  } finally {
    entriesInFlight.delete(id)
  }
}

function hasVectorWrites({ vector }: JournalPlan): boolean {
  return vector.inserts.length + vector.updates.length + vector.deletes.length + (vector.mentions?.length ?? 0) > 0
}

/**
 * The add's vector writes, side by side: each touches other memories (new ones, and an add
 * changes a stored memory at most once), so their order does not matter, and on a server one
 * round trip of waiting replaces one per write. All settle before a failure is reported, so the
 * undo never races a write still in flight.
 */
async function writeVectors(ctx: PipelineContext, plan: JournalPlan): Promise<void> {
  const { vector } = plan
  const settled = await Promise.allSettled([
    vector.inserts.length > 0 ? ctx.vectorStore.insert(vector.inserts) : undefined,
    ...vector.updates.map(({ after }) => ctx.vectorStore.update(after)),
    vector.deletes.length > 0 ? ctx.vectorStore.delete(vector.deletes.map((memory) => memory.id)) : undefined,
    setMentions(ctx, plan, 'after'),
  ])
  const failed = settled.find((outcome) => outcome.status === 'rejected')
  if (failed !== undefined) throw failed.reason
}

/** The vector writes again, idempotently: memories are written as planned, whatever is stored. */
export async function redoVectorWrites(ctx: PipelineContext, plan: JournalPlan): Promise<void> {
  const { vector } = plan
  const upserts = [...vector.inserts, ...vector.updates.map(({ after }) => after)]
  if (upserts.length > 0) await ctx.vectorStore.restore(upserts)
  if (vector.deletes.length > 0) await ctx.vectorStore.delete(vector.deletes.map((memory) => memory.id))
  await setMentions(ctx, plan, 'after')
}

/** Mention counts as they were before the add (`before`) or after it (`after`). */
async function setMentions(ctx: PipelineContext, { vector }: JournalPlan, state: 'before' | 'after'): Promise<void> {
  const mentions = vector.mentions ?? []
  if (mentions.length > 0) await ctx.vectorStore.setMentions(mentions.map((change) => ({ id: change.id, mentions: change[state] })))
}

/**
 * Puts the vector store back as it was before the add: new memories deleted, changed and deleted
 * ones restored. Their vectors are not journaled, so they are embedded again from their text.
 */
export async function undoVectorWrites(ctx: PipelineContext, plan: JournalPlan): Promise<void> {
  const { vector } = plan
  await setMentions(ctx, plan, 'before')
  if (vector.inserts.length > 0) await ctx.vectorStore.delete(vector.inserts.map((memory) => memory.id))
  const previous = [...vector.updates.map(({ before }) => before), ...vector.deletes]
  if (previous.length === 0) return
  const vectors = await ctx.embedder.embed(previous.map((memory) => memory.text), 'document')
  await ctx.vectorStore.restore(previous.map((memory, index) => ({ ...memory, vector: vectors[index]! })))
}

/**
 * The add's audit rows: the vector writes', then, when the graph transaction was applied, its
 * events' and merges'. Stable ids make a second write after a crash a no-op.
 */
export async function writeHistory(ctx: PipelineContext, id: string, plan: JournalPlan, graphEvents: GraphEvent[] | null): Promise<void> {
  if (ctx.history === null) return
  const graph = plan.graph
  const records = [
    ...plan.history,
    ...(graph === null || graphEvents === null ? [] : [...graphEvents.map((event) => graphHistory(event, graph.scope, graph.now)), ...plan.graphHistory]),
  ]
  if (records.length > 0) await ctx.history.restore(withStableIds(id, records))
}

/** Marks the entry done, lets the graph forget its operation record, and drops the entry. */
export async function completeEntry(ctx: PipelineContext, id: string, graphRecorded: boolean): Promise<void> {
  if (graphRecorded && ctx.graph !== null) {
    await ctx.journal.mark(id, 'done', '{}')
    await ctx.graph.clearOperations([id])
  }
  await ctx.journal.finish(id)
}
