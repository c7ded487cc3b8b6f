import { memoryHistory, newMemory, type NewMemoryTarget, revisedMemory, type Speaker } from '../../memory-records.js'
import type { HistoryRecord, MemoryWrite, StoredMemory, Vector } from '../../ports.js'
import type { MemoryEvent } from '../../types.js'
import type { PipelineContext } from '../context.js'
import type { MemoryChange, MemoryChanges } from './decide-memory-updates.js'

/**
 * Everything one add will write to the vector store, with the state before each change (the
 * journal's rollback restores it) and the audit rows. Nothing is written yet.
 */
export interface FactWrites {
  inserts: MemoryWrite[]
  updates: Array<{ before: StoredMemory; after: MemoryWrite }>
  deletes: StoredMemory[]
  /** Stored memories the conversation stated again unchanged (NONE): one more mention each. */
  reinforcements: MentionChange[]
  events: MemoryEvent[]
  history: HistoryRecord[]
}

/** A memory's mention count before and after an add confirmed it: absolute values, so a redo or an undo is exact. */
export interface MentionChange {
  id: string
  before: number
  after: number
}

export const NO_FACT_WRITES: FactWrites = { inserts: [], updates: [], deletes: [], reinforcements: [], events: [], history: [] }

export interface WriteTarget extends NewMemoryTarget {
  speaker: Speaker
}

/**
 * Turns decided changes into the writes that carry them out. Texts that already have a vector
 * (facts as extracted) reuse it; texts the model rewrote are embedded in one batch. Memories the
 * model confirmed (and did not also change) gain a mention.
 */
export async function planMemoryWrites(
  ctx: PipelineContext,
  decided: Pick<MemoryChanges, 'changes' | 'confirmed'>,
  knownVectors: ReadonlyMap<string, Vector>,
  target: WriteTarget,
): Promise<FactWrites> {
  const { changes } = decided
  const vectors = await vectorsFor(ctx, changes, knownVectors)
  const now = ctx.now()
  const changed = new Set(changes.flatMap((change) => (change.event === 'ADD' ? [] : [change.target.id])))
  const confirmed = new Map(decided.confirmed.filter((memory) => !changed.has(memory.id)).map((memory) => [memory.id, memory]))
  const reinforcements = [...confirmed.values()].map((memory) => ({ id: memory.id, before: memory.mentions, after: memory.mentions + 1 }))
  const writes: FactWrites = { inserts: [], updates: [], deletes: [], reinforcements, events: [], history: [] }
  for (const change of changes) {
    if (change.event === 'ADD') {
      const memory = newMemory(change.text, vectorOf(vectors, change.text), target, now)
      writes.inserts.push(memory)
      writes.events.push({ id: memory.id, memory: memory.text, event: 'ADD' })
      writes.history.push(memoryHistory('ADD', memory, null, memory.text, now, target.speaker))
    } else if (change.event === 'UPDATE') {
      const metadata = { ...change.target.metadata, ...target.metadata }
      const memory = revisedMemory(change.target, change.text, vectorOf(vectors, change.text), { metadata, now, observedAt: target.observedAt, restated: true })
      writes.updates.push({ before: change.target, after: memory })
      writes.events.push({ id: memory.id, memory: memory.text, event: 'UPDATE', previousMemory: change.target.text })
      writes.history.push(memoryHistory('UPDATE', memory, change.target.text, memory.text, now, target.speaker))
    } else {
      writes.deletes.push(change.target)
      writes.events.push({ id: change.target.id, memory: change.target.text, event: 'DELETE' })
      writes.history.push(memoryHistory('DELETE', change.target, change.target.text, null, now, target.speaker))
    }
  }
  return writes
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
  const embedded = await ctx.embedder.embed(missing, 'document')
  return new Map([...known, ...missing.map((text, index) => [text, embedded[index] as Vector] as const)])
}

function vectorOf(vectors: ReadonlyMap<string, Vector>, text: string): Vector {
  const vector = vectors.get(text)
  if (vector === undefined) throw new Error(`internal: no vector for "${text}"`)
  return vector
}
