import { createHash } from 'node:crypto'
import type { Scope } from '../input.js'
import type { MentionChange } from '../pipelines/steps/plan-memory-writes.js'
import type { GraphChanges, HistoryRecord, MemoryWrite, StoredHistoryRecord, StoredMemory } from '../ports.js'

/**
 * What one add will write, as the journal records it before the first write: enough to redo
 * every write after a crash, or to undo the vector writes of an add that failed.
 */
export interface JournalPlan {
  scope: Scope
  vector: {
    inserts: MemoryWrite[]
    updates: Array<{ before: StoredMemory; after: MemoryWrite }>
    deletes: StoredMemory[]
    /** Mention counts to set; absent in entries journaled before memory lifecycle. */
    mentions?: MentionChange[]
  }
  /** The audit rows of the vector writes. */
  history: HistoryRecord[]
  /** The graph transaction (its `operationId` is the entry id), or null. */
  graph: GraphChanges | null
  /** Audit rows written only if the graph transaction is applied (entity merges). */
  graphHistory: HistoryRecord[]
}

/**
 * How far an entry's writes got. `graph`: `none` (no graph writes), `pending`, `applied`, or
 * `failed` (the add reported the failure; recovery only checks whether the commit happened
 * after all, its acknowledgement lost).
 */
export interface JournalProgress {
  vector: boolean
  graph: 'none' | 'pending' | 'applied' | 'failed'
}

// Vectors are Float32Arrays; JSON carries them as base64 of their bytes, exactly.
const VECTOR_TAG = '$f32'

export function encodePlan(plan: JournalPlan): string {
  return JSON.stringify(plan, (_key, value: unknown) =>
    value instanceof Float32Array ? { [VECTOR_TAG]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') } : value,
  )
}

export function decodePlan(text: string): JournalPlan {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && VECTOR_TAG in value) {
      const bytes = Buffer.from((value as Record<string, string>)[VECTOR_TAG]!, 'base64')
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / Float32Array.BYTES_PER_ELEMENT).slice()
    }
    return value
  }) as JournalPlan
}

/**
 * Audit rows with ids derived from the entry id and their position, so writing them again
 * after a crash (HistoryStore.restore skips stored ids) never duplicates a row.
 */
export function withStableIds(entryId: string, records: readonly HistoryRecord[], offset = 0): StoredHistoryRecord[] {
  return records.map((record, index) => ({ ...record, id: stableUuid(`${entryId}:${offset + index}`) }))
}

function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
