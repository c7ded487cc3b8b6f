import type { HistoryRecord } from '../../ports.js'
import type { PipelineContext } from '../context.js'

/** Appends audit rows; a failure is reported, not thrown, because the change itself is stored. */
export async function recordHistory(ctx: PipelineContext, records: HistoryRecord[]): Promise<{ historyError?: string }> {
  if (ctx.history === null || records.length === 0) return {}
  try {
    await ctx.history.append(records)
    return {}
  } catch (error) {
    return { historyError: error instanceof Error ? error.message : String(error) }
  }
}
