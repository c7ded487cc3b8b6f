import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { SqliteHistoryStore } from '../../src/adapters/sqlite/sqlite-history-store.js'
import { SqliteVectorStore } from '../../src/adapters/sqlite/sqlite-vector-store.js'
import { SqliteGraphStore } from '../../src/adapters/sqlite/sqlite-graph-store.js'
import type { GraphStore, HistoryStore, VectorStore } from '../../src/ports.js'

/**
 * The only place that knows which store backends exist. Each contract suite runs once per
 * backend listed here. `ENGRAM_BACKENDS=sqlite,weaviate` narrows a run (CI runs one backend per
 * job); unset, every backend runs. A new backend is one entry in the right list.
 */
export interface StoreBackend<S> {
  readonly name: string
  /** A new, empty place for a store (a database file, a collection). */
  location(): string
  /**
   * Opens the store at `location`, by default a new one. Stores opened at the same location share
   * their data, as two processes would.
   */
  open(location?: string): Promise<S>
}

const vectorStores: Array<StoreBackend<VectorStore>> = [
  { name: 'sqlite', location: temporaryDatabase, open: (path = temporaryDatabase()) => SqliteVectorStore.open({ path }) },
]

const historyStores: Array<StoreBackend<HistoryStore>> = [
  { name: 'sqlite', location: temporaryDatabase, open: (path = temporaryDatabase()) => SqliteHistoryStore.open({ path }) },
]

const graphStores: Array<StoreBackend<GraphStore>> = [
  { name: 'sqlite', location: temporaryDatabase, open: (path = temporaryDatabase()) => SqliteGraphStore.open({ path }) },
]

export const VECTOR_STORE_BACKENDS = selectBackends(vectorStores)
export const HISTORY_STORE_BACKENDS = selectBackends(historyStores)
export const GRAPH_STORE_BACKENDS = selectBackends(graphStores)

/** Keeps the backends `ENGRAM_BACKENDS` names; a name no list knows is a typo and fails the run. */
function selectBackends<S>(backends: Array<StoreBackend<S>>): Array<StoreBackend<S>> {
  const wanted = process.env.ENGRAM_BACKENDS?.split(',').map((name) => name.trim()).filter((name) => name !== '')
  if (wanted === undefined || wanted.length === 0) return backends
  const known = new Set([...vectorStores, ...historyStores, ...graphStores].map((backend) => backend.name))
  const unknown = wanted.filter((name) => !known.has(name))
  if (unknown.length > 0) throw new Error(`ENGRAM_BACKENDS names unknown backends: ${unknown.join(', ')} (known: ${[...known].join(', ')})`)
  return backends.filter((backend) => wanted.includes(backend.name))
}

let temporaryFolder: string | undefined

// Registered in the root suite of each test file that imports this module (vitest evaluates it
// once per file); a process 'exit' handler would not run when vitest ends its worker processes.
afterAll(() => {
  if (temporaryFolder !== undefined) rmSync(temporaryFolder, { recursive: true, force: true })
  temporaryFolder = undefined
})

/** A new database path in a temporary folder, removed after the test file has run. */
function temporaryDatabase(): string {
  temporaryFolder ??= mkdtempSync(join(tmpdir(), 'engram-contract-'))
  return join(temporaryFolder, `${randomUUID()}.db`)
}
