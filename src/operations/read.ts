import type { Scope } from '../input.js'
import { inputSchemas, memoryIdSchema, parseInput, readOptionsSchema, requiredScopeSchema } from '../input.js'
import { definedScope, toMemoryItem } from '../memory-records.js'
import type { PipelineContext } from '../pipelines/context.js'
import { toRelation } from '../pipelines/steps/plan-relation-writes.js'
import { isLive, liveAt } from '../retention.js'
import { isVisible } from '../search/fuse.js'
import type { GetAllResult, HistoryEntry, MemoryItem } from '../types.js'
import { recordRead } from './audit.js'

/** Memories per `getAll` when the caller gives no `limit`. */
export const DEFAULT_LIST_LIMIT = 100

/**
 * `Memory.get`: one memory by id, or `null`. With a scope, a memory that scope cannot see
 * (the contract's read rule) is `null` too, exactly as if the id did not exist; so is an expired one.
 * The read audit logs it under the reader's scope, or without one under the memory's own scope,
 * so that its owner's audit shows who read it.
 */
export async function get(ctx: PipelineContext, id: unknown, scope?: unknown, options?: unknown): Promise<MemoryItem | null> {
  const memoryId = parseInput(memoryIdSchema, id, 'id')
  const reader = readerScope(scope)
  const { actor } = parseInput(readOptionsSchema, options ?? {}, 'options')
  const memory = await ctx.vectorStore.get(memoryId)
  const hidden = memory === null || !isLive(memory, liveAt(ctx.now(), ctx.config.retention)) || (reader !== undefined && !isVisible(memory, reader))
  const logScope = reader ?? (memory === null ? {} : definedScope(memory.scope))
  await recordRead(ctx, { operation: 'get', scope: logScope, actor, query: memoryId, resultIds: hidden ? [] : [memory.id] })
  return hidden ? null : toMemoryItem(memory)
}

/** `Memory.getAll`: the scope's memories and valid relations, newest first. */
export async function getAll(ctx: PipelineContext, options: unknown): Promise<GetAllResult> {
  const opts = parseInput(inputSchemas(ctx.config.limits).getAllOptions, options, 'options')
  const scope = definedScope(opts)
  const limit = opts.limit ?? DEFAULT_LIST_LIMIT
  const [memories, relations] = await Promise.all([
    ctx.vectorStore.list({
      scope,
      ...(opts.filters !== undefined ? { filters: opts.filters } : {}),
      ...(opts.memoryType !== undefined ? { memoryType: opts.memoryType } : {}),
      ...liveAt(ctx.now(), ctx.config.retention),
      limit,
    }),
    ctx.graph === null ? [] : ctx.graph.relations({ scope, validOnly: true, limit }),
  ])
  await recordRead(ctx, { operation: 'getAll', scope, actor: opts.actor, resultIds: memories.map((memory) => memory.id) })
  return { results: memories.map(toMemoryItem), relations: relations.map(toRelation) }
}

/**
 * `Memory.history`: a memory's changes, oldest first; empty when history is disabled. With a
 * scope, only the changes recorded under a scope it can see: none for another scope's memory,
 * deleted or not.
 */
export async function history(ctx: PipelineContext, id: unknown, scope?: unknown): Promise<HistoryEntry[]> {
  const memoryId = parseInput(memoryIdSchema, id, 'id')
  const reader = readerScope(scope)
  const entries = ctx.history === null ? [] : await ctx.history.forMemory(memoryId)
  return reader === undefined ? entries : entries.filter((entry) => isVisible({ scope: definedScope(entry), metadata: {} }, reader))
}

/** The optional scope of a read by id; when given it must name an id, like every other scope. */
function readerScope(scope: unknown): Scope | undefined {
  return scope === undefined ? undefined : definedScope(parseInput(requiredScopeSchema, scope, 'scope'))
}
