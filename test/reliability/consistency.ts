import { join } from 'node:path'
import { expect } from 'vitest'
import { SqliteHistoryStore } from '../../src/adapters/sqlite/sqlite-history-store.js'
import type { Memory, Scope } from '../../src/index.js'
import type { StoredHistoryRecord } from '../../src/ports.js'
import { journalEntries } from '../helpers/journal-entries.js'

/** An add the caller saw succeed, with what it reported. */
export interface AcknowledgedAdd {
  n: number
  result: { results: Array<{ id: string; event: string }> }
}

/** Facts, graph and history agree, and every acknowledged add is kept. */
export async function expectConsistent(memory: Memory, dataDir: string, scope: Scope, acked: readonly AcknowledgedAdd[]): Promise<void> {
  expect(journalEntries(dataDir), 'the journal is empty after recovery').toEqual([])

  const history = await SqliteHistoryStore.open({ path: join(dataDir, 'history.db') })
  const rows = await history.scopeRecords(scope)
  await history.close()
  const memories = (await memory.getAll({ ...scope, limit: 1000 })).results
  const stored = new Map(memories.map((item) => [item.id, item.memory]))

  // The last history row of each memory says what the vector store holds: no orphan vector, no
  // history row for a write that did not happen.
  const lastRow = new Map<string, StoredHistoryRecord>()
  for (const row of rows) if (row.target === 'memory') lastRow.set(row.targetId, row)
  for (const [id, text] of stored) {
    expect(lastRow.get(id)?.event, `memory ${id} has history`).toMatch(/^(ADD|UPDATE)$/)
    expect(lastRow.get(id)?.newValue).toBe(text)
  }
  for (const [id, row] of lastRow) {
    if (row.event === 'DELETE') expect(stored.has(id), `deleted memory ${id} is gone`).toBe(false)
    else expect(stored.get(id), `history of ${id} matches the store`).toBe(row.newValue)
  }
  expect(new Set(rows.map((row) => row.id)).size, 'no history row twice').toBe(rows.length)

  // Every relation cites stored memories and has its history.
  const graph = JSON.parse(await memory.graph.export(scope, 'json')) as { relations: Array<{ id: string; memoryIds: string[] }> }
  const relationRows = new Set(rows.filter((row) => row.target === 'relation' && row.event === 'RELATION_ADDED').map((row) => row.targetId))
  for (const relation of graph.relations) {
    expect(relation.memoryIds.length, `relation ${relation.id} has provenance`).toBeGreaterThan(0)
    for (const id of relation.memoryIds) expect(stored.has(id), `relation ${relation.id} cites stored memory ${id}`).toBe(true)
    expect(relationRows.has(relation.id), `relation ${relation.id} has history`).toBe(true)
  }

  // No acknowledged add is lost: what it added is stored, unless a later add deleted or rewrote it.
  for (const { result } of acked) {
    for (const event of result.results) {
      if (event.event === 'DELETE') continue
      const last = lastRow.get(event.id)
      expect(last, `acknowledged memory ${event.id} is in the history`).toBeDefined()
      if (last!.event !== 'DELETE') expect(stored.has(event.id), `acknowledged memory ${event.id} is stored`).toBe(true)
    }
  }
}
