/**
 * Search latency against store size: one scope grown to each size in turn (e.g. 1k, 10k, 100k
 * memories, a tenth as many entities, three relations per entity; see synthetic-store.ts), then
 * `memory.search` with graph traversal at hops=2, limit 10. Each query names one of the scope's
 * entities plus a few common words, so the graph side links, walks and scores as for a real
 * question. The query embedding is excluded (vectors are precomputed; the model's own time is in
 * the embedder table). Also timed at each size: entity resolution as an add does it (two names
 * by key, two by embedding similarity), which must stay flat as the scope grows.
 *
 * After the largest size: the process's resident memory, the services' (Neo4j + Weaviate), and
 * the embedded files' size on disk.
 */
import { statSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { entityKey } from '../src/normalize.js'
import type { Embedder, Vector } from '../src/ports.js'
import { type BackendName, memoryOver, openStores, serviceProcesses } from './lib/backends.js'
import { randomUnitVector } from './lib/random.js'
import { round, summarize, type Summary } from './lib/stats.js'
import { timedPort } from './lib/timed-port.js'
import { RELATIONS_PER_ENTITY, SyntheticScope } from './lib/synthetic-store.js'

const QUERIES = 100
const WARM_UP = 200
const RESOLUTIONS = 100
const TEMPLATES = ['what do I know about', 'where does', 'who is close to', 'tell me about']

export interface ScalePoint {
  memories: number
  entities: number
  relations: number
  /** Time to grow the scope from the previous size to this one, through the bulk write paths. */
  loadSeconds: { memories: number; graph: number }
  firstSearchMs: number
  searchMs: Summary
  /** Relations returned per search (the graph side did real work). */
  relationsPerSearch: number
  entityResolutionMs: Summary
  /** Mean time per search inside each store method (calls side by side overlap). */
  storeMsPerSearch: Record<string, number>
}

export interface Footprint {
  memories: number
  nodeRssMiB: { beforeLoad: number; afterLoad: number }
  servicesRssMiB?: Record<string, number>
  /** Embedded backend: the SQLite files after closing (WAL checkpointed). */
  diskMiB?: { memories: number; graph: number; total: number; perThousandMemories: number }
}

export interface ScaleResult {
  backend: BackendName
  points: ScalePoint[]
  footprint: Footprint
}

/** Answers queries from precomputed vectors: the query embedding's time is not Engram's. */
class PrecomputedEmbedder implements Embedder {
  readonly model = 'precomputed'
  readonly vectors = new Map<string, Vector>()
  async embed(texts: string[]): Promise<Vector[]> {
    return texts.map((text) => {
      const vector = this.vectors.get(text)
      if (vector === undefined) throw new Error(`no precomputed vector for ${text}`)
      return vector
    })
  }
  async close(): Promise<void> {}
}

const mib = (bytes: number): number => round(bytes / 2 ** 20)

/** `checkpoint` receives the points so far after each size, footprint pending. */
export async function searchScaling(backend: BackendName, sizes: readonly number[], checkpoint?: (partial: ScaleResult) => void): Promise<ScaleResult> {
  const beforeLoad = process.memoryUsage().rss
  const stores = await openStores(backend)
  const embedder = new PrecomputedEmbedder()
  const storeTimes = new Map<string, number>()
  const memory = await memoryOver(
    { ...stores, vectorStore: timedPort(stores.vectorStore, 'vectorStore', storeTimes), graphStore: timedPort(stores.graphStore, 'graph', storeTimes) },
    undefined,
    embedder,
  )
  const scope = { userId: 'bench-user' }
  const grown = new SyntheticScope(scope, stores.vectorStore, stores.graphStore)
  const points: ScalePoint[] = []
  let footprint: Footprint
  try {
    for (const size of sizes) {
      const load = await grown.growTo(size)
      console.log(`${backend}: ${size} memories loaded (memories ${Math.round(load.memoriesMs / 1000)} s, graph ${Math.round(load.graphMs / 1000)} s)`)
      const queries = Array.from({ length: WARM_UP + QUERIES }, (_, index) => {
        const text = `${TEMPLATES[index % TEMPLATES.length]} ${grown.names[1 + Math.floor(grown.random() * (grown.names.length - 1))]} ${grown.word()} ${grown.word()}`
        embedder.vectors.set(text, randomUnitVector(grown.random))
        return text
      })
      const timings: number[] = []
      let relations = 0
      for (const [index, text] of queries.entries()) {
        if (index === WARM_UP) storeTimes.clear()
        const started = performance.now()
        const result = await memory.search(text, { ...scope, hops: 2, limit: 10 })
        const elapsed = performance.now() - started
        if (index >= WARM_UP) {
          timings.push(elapsed)
          relations += result.relations.length
        }
      }
      points.push({
        memories: size,
        entities: grown.names.length,
        relations: (grown.names.length - 1) * RELATIONS_PER_ENTITY,
        loadSeconds: { memories: round(load.memoriesMs / 1000), graph: round(load.graphMs / 1000) },
        firstSearchMs: round(timings[0]!),
        searchMs: summarize(timings),
        relationsPerSearch: round(relations / QUERIES),
        storeMsPerSearch: Object.fromEntries([...storeTimes].map(([method, total]) => [method, round(total / QUERIES)])),
        entityResolutionMs: summarize(await timeResolution(grown)),
      })
      console.log(JSON.stringify(points.at(-1)))
      checkpoint?.({
        backend,
        points,
        footprint: { memories: grown.memories, nodeRssMiB: { beforeLoad: mib(beforeLoad), afterLoad: mib(process.memoryUsage().rss) } },
      })
    }
    footprint = { memories: grown.memories, nodeRssMiB: { beforeLoad: mib(beforeLoad), afterLoad: mib(process.memoryUsage().rss) } }
    if (backend === 'neo4j+weaviate') {
      footprint.servicesRssMiB = Object.fromEntries(
        (await serviceProcesses()).map((service) => [`${service.command} (pid ${service.pid})`, mib(service.rssBytes)]),
      )
    }
  } finally {
    await memory.close()
  }
  if (backend === 'embedded') {
    const size = (path: string) => ['', '-wal', '-shm'].reduce((sum, suffix) => sum + statOrZero(path + suffix), 0)
    const memories = size(stores.files[0]!)
    const graph = size(stores.files[1]!)
    footprint.diskMiB = {
      memories: mib(memories),
      graph: mib(graph),
      total: mib(memories + graph),
      perThousandMemories: round(mib(memories + graph) / (grown.memories / 1000)),
    }
  }
  return { backend, points, footprint }
}

/** Entity resolution as an add runs it: two names by exact key, then two new names by embedding similarity. */
async function timeResolution(grown: SyntheticScope): Promise<number[]> {
  const timings: number[] = []
  for (let run = 0; run < RESOLUTIONS; run += 1) {
    const known = [1, 2].map(() => entityKey(grown.names[Math.floor(grown.random() * grown.names.length)]!))
    const vectors = [randomUnitVector(grown.random), randomUnitVector(grown.random)]
    const started = performance.now()
    await grown.graph.entitiesByKey(grown.scope, [...known, `new person ${run}`, `new place ${run}`])
    await grown.graph.similarEntities(grown.scope, vectors, 0.85)
    timings.push(performance.now() - started)
  }
  return timings
}

function statOrZero(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}
