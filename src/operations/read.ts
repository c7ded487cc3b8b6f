import { getAllOptionsSchema, memoryIdSchema, parseInput } from '../input.js'
import { definedScope, toMemoryItem } from '../memory-records.js'
import type { PipelineContext } from '../pipelines/context.js'
import { toRelation } from '../pipelines/steps/apply-relation-updates.js'
import type { GetAllResult, HistoryEntry, MemoryItem } from '../types.js'

/** Memories per `getAll` when the caller gives no `limit`. */
export const DEFAULT_LIST_LIMIT = 100

/** `Memory.get`: one memory by id, or `null`. */
export async function get(ctx: PipelineContext, id: unknown): Promise<MemoryItem | null> {
  const memory = await ctx.vectorStore.get(parseInput(memoryIdSchema, id, 'id'))
  return memory === null ? null : toMemoryItem(memory)
}

/** `Memory.getAll`: the scope's memories and valid relations, newest first. */
export async function getAll(ctx: PipelineContext, options: unknown): Promise<GetAllResult> {
  const opts = parseInput(getAllOptionsSchema, options, 'options')
  const scope = definedScope(opts)
  const limit = opts.limit ?? DEFAULT_LIST_LIMIT
  const [memories, relations] = await Promise.all([
    ctx.vectorStore.list({ scope, ...(opts.filters !== undefined ? { filters: opts.filters } : {}), limit }),
    ctx.graph === null ? [] : ctx.graph.relations({ scope, validOnly: true, limit }),
  ])
  return { results: memories.map(toMemoryItem), relations: relations.map(toRelation) }
}

/** `Memory.history`: a memory's changes, oldest first; empty when history is disabled. */
export async function history(ctx: PipelineContext, id: unknown): Promise<HistoryEntry[]> {
  const memoryId = parseInput(memoryIdSchema, id, 'id')
  return ctx.history === null ? [] : ctx.history.forMemory(memoryId)
}
