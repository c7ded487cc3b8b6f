import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { SqliteHistoryStore } from '../../src/adapters/sqlite/sqlite-history-store.js'
import { SqliteVectorStore } from '../../src/adapters/sqlite/sqlite-vector-store.js'
import { SqliteGraphStore } from '../../src/adapters/sqlite/sqlite-graph-store.js'
import type { EngramConfig, MemoryAdapters } from '../../src/index.js'
import type { GraphStore, HistoryStore, VectorStore } from '../../src/ports.js'
import { selectedBackends } from '../setup/backend-selection.js'
import { neo4jGraphStore } from './neo4j-backend.js'
import { weaviateVectorStore } from './weaviate-backend.js'

/**
 * The only place that knows which store backends exist. Each contract suite runs once per
 * backend listed here, and the Memory-level suites once per backend combination.
 * `ENGRAM_BACKENDS=sqlite,weaviate` narrows a run; unset, every backend runs, and
 * test/setup/services.ts starts the servers they need. A new backend is one entry in the right list.
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
  weaviateVectorStore,
]

const historyStores: Array<StoreBackend<HistoryStore>> = [
  { name: 'sqlite', location: temporaryDatabase, open: (path = temporaryDatabase()) => SqliteHistoryStore.open({ path }) },
]

const graphStores: Array<StoreBackend<GraphStore>> = [
  { name: 'sqlite', location: temporaryDatabase, open: (path = temporaryDatabase()) => SqliteGraphStore.open({ path }) },
  neo4jGraphStore,
]

/** A whole Memory's stores: the embedded defaults, or the production pair. */
export interface MemoryBackend {
  readonly name: string
  /**
   * Adapters to pass to `Memory.create`; for the embedded stores, none: the config names them,
   * so that NEO4J_URI / WEAVIATE_URL in the environment (set by the global setup) cannot redirect them.
   */
  adapters(): Promise<Pick<MemoryAdapters, 'vectorStore' | 'graphStore'>>
  readonly config: Pick<EngramConfig, 'vectorStore' | 'graphStore'>
}

/** The embedded stores, named explicitly: the environment may point the defaults at servers. */
export const EMBEDDED_STORES: MemoryBackend['config'] = { vectorStore: { provider: 'sqlite' }, graphStore: { provider: 'sqlite' } }

const memoryBackends: Array<MemoryBackend & { needs: string[] }> = [
  { name: 'sqlite', needs: ['sqlite'], adapters: async () => ({}), config: EMBEDDED_STORES },
  {
    name: 'neo4j+weaviate',
    needs: ['neo4j', 'weaviate'],
    adapters: async () => ({ vectorStore: await weaviateVectorStore.open(), graphStore: await neo4jGraphStore.open() }),
    config: {},
  },
]

const selected = selectedBackends()
const chosen = <B extends { name: string }>(backends: B[]) => backends.filter((backend) => selected.has(backend.name as never))

export const VECTOR_STORE_BACKENDS = chosen(vectorStores)
export const HISTORY_STORE_BACKENDS = chosen(historyStores)
export const GRAPH_STORE_BACKENDS = chosen(graphStores)
export const MEMORY_BACKENDS: MemoryBackend[] = memoryBackends.filter((backend) => backend.needs.every((name) => selected.has(name as never)))

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
