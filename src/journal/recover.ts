import type { Scope } from '../input.js'
import type { PipelineContext } from '../pipelines/context.js'
import type { GraphEvent, JournalEntry } from '../ports.js'
import { completeEntry, entriesInFlight, redoVectorWrites, undoVectorWrites, writeHistory } from './commit-add.js'
import { decodePlan, type JournalPlan, type JournalProgress } from './journal-plan.js'

/** What `Memory.recover()` did with the journal's unfinished entries. */
export interface RecoveryReport {
  /** Interrupted adds whose writes were completed. */
  completed: number
  /** Failed adds whose vector writes were undone. */
  rolledBack: number
  /** Entries another live process is still writing. */
  skipped: number
  /** Entries that could not be recovered now (a store still unreachable); they stay for the next run. */
  failed: Array<{ id: string; error: string }>
}

/** An entry older than this is recovered even if its owner's pid is alive: pids get reused, and an add's writes take seconds. */
const STALE_ENTRY_MS = 5 * 60_000

/**
 * Completes or rolls back every unfinished journal entry that no live process is writing, each
 * inside `inScope` (the scope's add queue, so no add of that scope runs meanwhile).
 */
export async function recoverJournal(ctx: PipelineContext, inScope: <T>(scope: Scope, work: () => Promise<T>) => Promise<T>): Promise<RecoveryReport> {
  const report: RecoveryReport = { completed: 0, rolledBack: 0, skipped: 0, failed: [] }
  for (const entry of await ctx.journal.unfinished()) {
    if (entriesInFlight.has(entry.id)) continue
    if (ownedByAnotherLiveProcess(entry, ctx.now())) {
      report.skipped += 1
      continue
    }
    const plan = decodePlan(entry.plan)
    try {
      await inScope(plan.scope, () => recoverEntry(ctx, entry, plan))
      if (entry.state === 'rolling_back') report.rolledBack += 1
      else report.completed += 1
    } catch (error) {
      report.failed.push({ id: entry.id, error: error instanceof Error ? error.message : String(error) })
    }
  }
  return report
}

async function recoverEntry(ctx: PipelineContext, entry: JournalEntry, plan: JournalPlan): Promise<void> {
  if (entry.state === 'rolling_back') {
    await undoVectorWrites(ctx, plan)
    await ctx.journal.finish(entry.id)
    return
  }
  if (entry.state === 'done') {
    await completeEntry(ctx, entry.id, plan.graph !== null)
    return
  }
  const progress = JSON.parse(entry.progress) as JournalProgress
  if (!progress.vector) await redoVectorWrites(ctx, plan)
  const graphEvents = await redoGraphWrite(ctx, plan, progress)
  await writeHistory(ctx, entry.id, plan, graphEvents)
  await completeEntry(ctx, entry.id, plan.graph !== null)
}

/**
 * A pending graph transaction is applied again (the store skips it if it committed). A failed
 * one is only looked up, since its add already reported the failure, except for the memories
 * that add deleted: they must still leave the graph's provenance.
 */
async function redoGraphWrite(ctx: PipelineContext, plan: JournalPlan, progress: JournalProgress): Promise<GraphEvent[] | null> {
  if (plan.graph === null || ctx.graph === null) return null
  if (progress.graph !== 'failed') return ctx.graph.apply(plan.graph)
  const committed = await ctx.graph.appliedOperation(plan.graph.operationId!)
  if (committed !== null || (plan.graph.forgetMemoryIds ?? []).length === 0) return committed
  return ctx.graph.apply({ ...plan.graph, entities: [], relations: [] })
}

function ownedByAnotherLiveProcess(entry: JournalEntry, now: Date): boolean {
  if (entry.ownerPid === process.pid) return false
  if (now.getTime() - Date.parse(entry.createdAt) > STALE_ENTRY_MS) return false
  try {
    process.kill(entry.ownerPid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
