/**
 * The two backends the benchmarks compare: embedded (SQLite vector, graph and history files) and
 * Neo4j + Weaviate (with SQLite history). The servers are the benchmark's own, started once per
 * process on a temporary data dir with `startLocalServices` and stopped by `stopServices`, never
 * the shared test servers (test files reset the whole database).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteGraphStore } from '../../src/adapters/sqlite/sqlite-graph-store.js'
import { SqliteVectorStore } from '../../src/adapters/sqlite/sqlite-vector-store.js'
import { Neo4jGraphStore } from '../../src/adapters/neo4j/neo4j-graph-store.js'
import { WeaviateVectorStore } from '../../src/adapters/weaviate/weaviate-vector-store.js'
import type { EngramConfig } from '../../src/index.js'
import { Memory } from '../../src/memory.js'
import type { Embedder, GraphStore, LLM, VectorStore } from '../../src/ports.js'
import { defaultCacheDir, type LocalServices, startLocalServices } from '../../src/services/local-services.js'

export type BackendName = 'embedded' | 'neo4j+weaviate'

/** One benchmark's stores, in a folder of their own. */
export interface BenchStores {
  backend: BackendName
  dir: string
  vectorStore: VectorStore
  graphStore: GraphStore
  /** The embedded backend's files, for the footprint on disk. */
  files: string[]
}

const root = mkdtempSync(join(tmpdir(), 'engram-bench-'))
let services: Promise<LocalServices> | undefined
let opened = 0

/** Starts the benchmark's own Neo4j and Weaviate once per process. */
function localServices(): Promise<LocalServices> {
  services ??= startLocalServices({ cacheDir: defaultCacheDir(), dataDir: join(root, 'services') })
  return services
}

/** Fresh, empty stores of a backend. */
export async function openStores(backend: BackendName): Promise<BenchStores> {
  opened += 1
  const dir = join(root, `run-${opened}`)
  if (backend === 'embedded') {
    const files = ['memories.db', 'graph.db', 'history.db'].map((file) => join(dir, file))
    const vectorStore = await SqliteVectorStore.open({ path: files[0]! })
    const graphStore = await SqliteGraphStore.open({ path: files[1]! })
    return { backend, dir, vectorStore, graphStore, files }
  }
  const { env } = await localServices()
  const graphStore = await Neo4jGraphStore.open({ url: env.NEO4J_URI!, username: env.NEO4J_USERNAME!, password: env.NEO4J_PASSWORD! })
  await graphStore.reset() // our own server: the previous benchmark's graph goes
  const vectorStore = await WeaviateVectorStore.open({ url: env.WEAVIATE_URL!, grpcPort: Number(env.WEAVIATE_GRPC_PORT), collection: `Bench${opened}` })
  return { backend, dir, vectorStore, graphStore, files: [join(dir, 'history.db')] }
}

/** A Memory over the stores, with the benchmark's LLM and embedder; history in the stores' folder. */
export function memoryOver(stores: BenchStores, llm: LLM | undefined, embedder: Embedder, graph: EngramConfig['graph'] = {}): Promise<Memory> {
  return Memory.create(
    { dataDir: stores.dir, history: { path: join(stores.dir, 'history.db') }, graph },
    { ...(llm ? { llm } : {}), embedder: keepOpen(embedder), vectorStore: stores.vectorStore, graphStore: stores.graphStore },
  )
}

/** The embedder outlives each Memory (Memory.close closes adapters passed to it). */
function keepOpen(embedder: Embedder): Embedder {
  return { model: embedder.model, embed: (texts, purpose) => embedder.embed(texts, purpose), close: async () => {} }
}

/** The service processes this process started (its java and weaviate children), with their resident memory. */
export async function serviceProcesses(): Promise<Array<{ pid: number; command: string; rssBytes: number }>> {
  const { execFileSync } = await import('node:child_process')
  const output = execFileSync('ps', ['-o', 'pid=,rss=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
  return output
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, , command]) => command === 'java' || command!.startsWith('weaviate'))
    .map(([pid, rss, command]) => ({ pid: Number(pid), command: command!, rssBytes: Number(rss) * 1024 }))
}

/** Stops the services (if started) and removes every benchmark file. Safe to call twice. */
export async function stopServices(): Promise<void> {
  const running = services
  services = undefined
  if (running !== undefined) await (await running.catch(() => undefined))?.stop()
  rmSync(root, { recursive: true, force: true })
}
