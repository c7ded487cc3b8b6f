import { getAllOptionsSchema, memoryIdSchema, parseInput } from '../input.js'
import { definedScope, toMemoryItem } from '../memory-records.js'
import type { PipelineContext } from '../pipelines/context.js'
import type { GetAllResult, HistoryEntry, MemoryItem } from '../types.js'

/** Memories per `getAll` when the caller gives no `limit`. */
export const DEFAULT_LIST_LIMIT = 100

/** `Memory.get`: one memory by id, or `null`. */
export async function get(ctx: PipelineContext, id: unknown): Promise<MemoryItem | null> {
  const memory = await ctx.vectorStore.get(parseInput(memoryIdSchema, id, 'id'))
  return memory === null ? null : toMemoryItem(memory)
}

/** `Memory.getAll`: the scope's memories, newest first. */
export async function getAll(ctx: PipelineContext, options: unknown): Promise<GetAllResult> {
  const opts = parseInput(getAllOptionsSchema, options, 'options')
  const memories = await ctx.vectorStore.list({
    scope: definedScope(opts),
    ...(opts.filters !== undefined ? { filters: opts.filters } : {}),
    limit: opts.limit ?? DEFAULT_LIST_LIMIT,
  })
  return { results: memories.map(toMemoryItem), relations: [] }
}

/** `Memory.history`: a memory's changes, oldest first; empty when history is disabled. */
export async function history(ctx: PipelineContext, id: unknown): Promise<HistoryEntry[]> {
  const memoryId = parseInput(memoryIdSchema, id, 'id')
  return ctx.history === null ? [] : ctx.history.forMemory(memoryId)
}
