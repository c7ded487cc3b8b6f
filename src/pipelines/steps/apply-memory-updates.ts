import type { Metadata, Scope } from '../../input.js'
import { memoryHistory, newMemory, revisedMemory, type Speaker } from '../../memory-records.js'
import type { HistoryRecord, MemoryWrite, Vector } from '../../ports.js'
import type { MemoryEvent } from '../../types.js'
import type { PipelineContext } from '../context.js'
import type { MemoryChange } from './decide-memory-updates.js'

export interface AppliedChanges {
  events: MemoryEvent[]
  /** Set when the facts were written but their history rows could not be. */
  historyError?: string
}

export interface ApplyTarget {
  scope: Scope
  metadata: Metadata
  observedAt: Date
  speaker: Speaker
}

/**
 * Writes the changes to the vector store, then their audit rows. Texts that already have a
 * vector (facts as extracted) reuse it; texts the model rewrote are embedded in one batch.
 */
export async function applyMemoryUpdates(
  ctx: PipelineContext,
  changes: readonly MemoryChange[],
  knownVectors: ReadonlyMap<string, Vector>,
  target: ApplyTarget,
): Promise<AppliedChanges> {
  const vectors = await vectorsFor(ctx, changes, knownVectors)
  const now = ctx.now()
  const inserts: MemoryWrite[] = []
  const updates: MemoryWrite[] = []
  const deletes: string[] = []
  const events: MemoryEvent[] = []
  const history: HistoryRecord[] = []
  for (const change of changes) {
    if (change.event === 'ADD') {
      const memory = newMemory(change.text, vectorOf(vectors, change.text), target.scope, target.metadata, now, target.observedAt)
      inserts.push(memory)
      events.push({ id: memory.id, memory: memory.text, event: 'ADD' })
      history.push(memoryHistory('ADD', memory, null, memory.text, now, target.speaker))
    } else if (change.event === 'UPDATE') {
      const metadata = { ...change.target.metadata, ...target.metadata }
      const memory = revisedMemory(change.target, change.text, vectorOf(vectors, change.text), metadata, now, target.observedAt)
      updates.push(memory)
      events.push({ id: memory.id, memory: memory.text, event: 'UPDATE', previousMemory: change.target.text })
      history.push(memoryHistory('UPDATE', memory, change.target.text, memory.text, now, target.speaker))
    } else {
      deletes.push(change.target.id)
      events.push({ id: change.target.id, memory: change.target.text, event: 'DELETE' })
      history.push(memoryHistory('DELETE', change.target, change.target.text, null, now, target.speaker))
    }
  }
  if (inserts.length > 0) await ctx.vectorStore.insert(inserts)
  for (const memory of updates) await ctx.vectorStore.update(memory)
  if (deletes.length > 0) await ctx.vectorStore.delete(deletes)
  return { events, ...(await recordHistory(ctx, history)) }
}

/** Appends audit rows; a failure is reported, not thrown, because the facts are already stored. */
export async function recordHistory(ctx: PipelineContext, records: HistoryRecord[]): Promise<{ historyError?: string }> {
  if (ctx.history === null || records.length === 0) return {}
  try {
    await ctx.history.append(records)
    return {}
  } catch (error) {
    return { historyError: error instanceof Error ? error.message : String(error) }
  }
}

async function vectorsFor(
  ctx: PipelineContext,
  changes: readonly MemoryChange[],
  known: ReadonlyMap<string, Vector>,
): Promise<ReadonlyMap<string, Vector>> {
  const missing = [
    ...new Set(changes.flatMap((change) => (change.event !== 'DELETE' && !known.has(change.text) ? [change.text] : []))),
  ]
  if (missing.length === 0) return known
  const embedded = await ctx.embedder.embed(missing)
  return new Map([...known, ...missing.map((text, index) => [text, embedded[index] as Vector] as const)])
}

function vectorOf(vectors: ReadonlyMap<string, Vector>, text: string): Vector {
  const vector = vectors.get(text)
  if (vector === undefined) throw new Error(`internal: no vector for "${text}"`)
  return vector
}
