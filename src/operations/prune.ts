import { EngramError } from '../errors.js'
import type { Scope } from '../input.js'
import { parseInput, requiredScopeSchema } from '../input.js'
import { definedScope, memoryHistory, scopeKey } from '../memory-records.js'
import type { PipelineContext } from '../pipelines/context.js'
import { commitAdd } from '../journal/commit-add.js'
import type { JournalPlan } from '../journal/journal-plan.js'
import type { StoredMemory } from '../ports.js'
import { liveAt } from '../retention.js'
import type { MemoryEvent } from '../types.js'

/** What `Memory.prune` deleted. */
export interface PruneReport {
  /** Memories deleted: expired (`expiresAt`), older than `retention.maxAgeDays`, or over `retention.maxCount`. */
  deleted: number
  /** Relations removed because a deleted memory was their only provenance. */
  relationsRemoved: number
}

/** Memories deleted per journaled batch: one scope's deletions, history rows and provenance cascade at once. */
const PRUNE_BATCH = 200

/** Runs work inside a scope's add queue, so no add of that scope interleaves with a deletion. */
export type InScope = <T>(scope: Scope, work: () => Promise<T>) => Promise<T>

/**
 * `Memory.prune`: deletes what retention says is gone: expired memories, memories not updated
 * within `retention.maxAgeDays`, and (with a scope) the oldest memories over `retention.maxCount`.
 * Each deletion goes through the journal like an add's: vector store, graph provenance (relations a
 * deleted memory alone supported are removed) and a history row, completed after a crash.
 */
export async function prune(ctx: PipelineContext, scope: unknown, inScope: InScope): Promise<PruneReport> {
  const reader = scope === undefined ? undefined : definedScope(parseInput(requiredScopeSchema, scope, 'scope'))
  const report: PruneReport = { deleted: 0, relationsRemoved: 0 }
  const now = ctx.now()
  const { activeAt, updatedSince } = liveAt(now, ctx.config.retention)
  const progress = new DeletionProgress()
  for (;;) {
    const due = await ctx.vectorStore.expired({
      ...(reader !== undefined ? { scope: reader } : {}),
      now: activeAt,
      ...(updatedSince !== undefined ? { updatedBefore: updatedSince } : {}),
      limit: PRUNE_BATCH,
    })
    if (due.length === 0) break
    progress.check(due)
    const counts = await Promise.all([...byExactScope(due)].map(([, memories]) => inScope(memories[0]!.scope, () => deleteMemories(ctx, memories))))
    for (const count of counts) {
      report.deleted += count.deleted.length
      report.relationsRemoved += count.relationsRemoved
    }
  }
  if (reader !== undefined) {
    const over = await inScope(reader, () => evictOverCount(ctx, reader))
    report.deleted += over.deleted.length
    report.relationsRemoved += over.relationsRemoved
  }
  return report
}

/**
 * Retention `maxCount`: when the scope sees more memories than that, the oldest (by creation) are
 * deleted, as by `prune`. Called after each add of the scope, inside its queue; a no-op without
 * `maxCount`. Returns the DELETE events.
 */
export async function evictOverCount(ctx: PipelineContext, scope: Scope): Promise<{ deleted: MemoryEvent[]; relationsRemoved: number }> {
  const { maxCount } = ctx.config.retention
  if (maxCount === undefined) return { deleted: [], relationsRemoved: 0 }
  const deleted: MemoryEvent[] = []
  let relationsRemoved = 0
  const progress = new DeletionProgress()
  for (;;) {
    // Newest first: whatever lies past maxCount is over the limit. Bounded batches keep one pass small.
    const seen = await ctx.vectorStore.list({ scope, ...liveAt(ctx.now(), ctx.config.retention), limit: maxCount + PRUNE_BATCH })
    const over = seen.slice(maxCount)
    if (over.length === 0) break
    progress.check(over)
    for (const [, memories] of byExactScope(over)) {
      const batch = await deleteMemories(ctx, memories)
      deleted.push(...batch.deleted)
      relationsRemoved += batch.relationsRemoved
    }
  }
  return { deleted, relationsRemoved }
}

/** Deletes memories of one exact scope through the journal. */
async function deleteMemories(ctx: PipelineContext, memories: readonly StoredMemory[]): Promise<{ deleted: MemoryEvent[]; relationsRemoved: number }> {
  const scope = memories[0]!.scope
  const now = ctx.now()
  const plan: JournalPlan = {
    scope,
    vector: { inserts: [], updates: [], deletes: [...memories], mentions: [] },
    history: memories.map((memory) => memoryHistory('DELETE', memory, memory.text, null, now, RETENTION_SPEAKER)),
    graph: ctx.graph === null ? null : { scope, now: now.toISOString(), entities: [], relations: [], forgetMemoryIds: memories.map((memory) => memory.id) },
    graphHistory: [],
  }
  const committed = await commitAdd(ctx, plan)
  if (committed.factsError !== undefined) {
    throw new EngramError('STORE_UNAVAILABLE', `prune could not delete ${memories.length} memories: ${messageOf(committed.factsError)}`, {
      cause: committed.factsError,
    })
  }
  if (committed.graphError !== undefined) {
    throw new EngramError(
      'STORE_UNAVAILABLE',
      `prune deleted ${memories.length} memories, but their relations' provenance is still to be updated (the journal retries it): ${messageOf(committed.graphError)}`,
      {
        cause: committed.graphError,
      },
    )
  }
  const relationsRemoved = (committed.graphEvents ?? []).filter((event) => event.event === 'RELATION_REMOVED').length
  return { deleted: memories.map((memory) => ({ id: memory.id, memory: memory.text, event: 'DELETE' as const })), relationsRemoved }
}

/** History rows of retention deletions name it as their cause. */
const RETENTION_SPEAKER = { role: 'system', actor: 'engram:retention' } as const

/** Guards the deletion loops: a memory that comes back after its deletion means the store ignored it, and looping again would never end. */
class DeletionProgress {
  readonly #deleted = new Set<string>()

  check(batch: readonly StoredMemory[]): void {
    for (const memory of batch) {
      if (this.#deleted.has(memory.id)) throw new EngramError('STORE_UNAVAILABLE', `memory ${memory.id} is still stored after prune deleted it`)
      this.#deleted.add(memory.id)
    }
  }
}

function byExactScope(memories: readonly StoredMemory[]): Map<string, StoredMemory[]> {
  const groups = new Map<string, StoredMemory[]>()
  for (const memory of memories) {
    const key = scopeKey(memory.scope)
    groups.set(key, [...(groups.get(key) ?? []), memory])
  }
  return groups
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
