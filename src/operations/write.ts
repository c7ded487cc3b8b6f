import { EngramError } from '../errors.js'
import { memoryIdSchema, memoryTextSchema, parseInput, requiredScopeSchema } from '../input.js'
import { definedScope, memoryHistory, revisedMemory, toMemoryItem } from '../memory-records.js'
import type { PipelineContext } from '../pipelines/context.js'
import { recordHistory } from '../pipelines/steps/record-history.js'
import type { HistoryRecord, StoredMemory } from '../ports.js'
import { graphHistory } from '../pipelines/steps/plan-relation-writes.js'
import type { MemoryItem } from '../types.js'

/** `Memory.update`: new text under the same id, re-embedded, with a history row. */
export async function update(ctx: PipelineContext, id: unknown, text: unknown): Promise<MemoryItem> {
  const memory = await existing(ctx, id)
  const newText = parseInput(memoryTextSchema, text, 'text')
  const [vector] = await ctx.embedder.embed([newText], 'document')
  const now = ctx.now()
  const revised = revisedMemory(memory, newText, vector!, { metadata: memory.metadata, now, observedAt: now, restated: false })
  await ctx.vectorStore.update(revised)
  await recordOrThrow(ctx, [memoryHistory('UPDATE', revised, memory.text, newText, now)])
  return toMemoryItem(revised)
}

/**
 * `Memory.delete`: removes one memory and, with no LLM call, every relation whose only
 * provenance it was; relations also learned from other memories just lose it from `memoryIds`.
 */
export async function remove(ctx: PipelineContext, id: unknown): Promise<void> {
  const memory = await existing(ctx, id)
  await ctx.vectorStore.delete([memory.id])
  const removed = ctx.graph === null ? [] : await ctx.graph.forgetMemory(memory.id, memory.scope)
  const now = ctx.now()
  await recordOrThrow(ctx, [
    memoryHistory('DELETE', memory, memory.text, null, now),
    ...removed.map((relation) => graphHistory({ event: 'RELATION_REMOVED', relation, memoryId: memory.id }, relation.scope, now.toISOString())),
  ])
}

/**
 * `Memory.deleteAll`: erases everything the scope can see from every store: memories, entities and
 * relations, history rows (their texts included), conversation context and read-audit records.
 * Nothing is left to say the data existed, not even a deletion record: that is the point of a
 * user's request to be forgotten.
 */
export async function removeAll(ctx: PipelineContext, scope: unknown): Promise<void> {
  const parsed = definedScope(parseInput(requiredScopeSchema, scope, 'scope'))
  await ctx.vectorStore.deleteScope(parsed)
  await ctx.graph?.deleteScope(parsed)
  await ctx.history?.deleteScope(parsed)
  await ctx.context?.deleteScope(parsed)
  await ctx.audit?.deleteScope(parsed)
}

/** `Memory.reset`: every store, every scope. */
export async function reset(ctx: PipelineContext): Promise<void> {
  await ctx.vectorStore.reset()
  await ctx.graph?.reset()
  await ctx.history?.reset()
  await ctx.context?.reset()
  await ctx.audit?.reset()
}

async function existing(ctx: PipelineContext, id: unknown): Promise<StoredMemory> {
  const memoryId = parseInput(memoryIdSchema, id, 'id')
  const memory = await ctx.vectorStore.get(memoryId)
  if (memory === null) throw new EngramError('NOT_FOUND', `no memory with id "${memoryId}"`)
  return memory
}

/** Direct edits have no partial result to carry an error, so a failed history write is thrown. */
async function recordOrThrow(ctx: PipelineContext, records: HistoryRecord[]): Promise<void> {
  const { historyError } = await recordHistory(ctx, records)
  if (historyError !== undefined) {
    throw new EngramError('STORE_UNAVAILABLE', `the change was stored but its history row was not: ${historyError}`)
  }
}
