/**
 * What one `insert` call into the Weaviate vector store costs by the number of memories it
 * carries: 1, 2, 5 and 20 (what adds write) and 500 (a restore or an import's batch). Each call
 * inserts fresh memories with random 384-dimensional vectors into one scope of a collection that
 * already holds a few hundred. The server is the benchmark's own Weaviate (started on a temporary
 * data dir and stopped at the end).
 *
 *   npx tsx bench/weaviate-insert.ts [--runs N] [--label TEXT]
 *
 * Writes bench/results/weaviate-insert[-label].json and prints a table.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { WeaviateVectorStore } from '../src/adapters/weaviate/weaviate-vector-store.js'
import { newMemory } from '../src/memory-records.js'
import type { MemoryWrite } from '../src/ports.js'
import { defaultCacheDir, startLocalServices } from '../src/services/local-services.js'
import { randomUnitVector, seededRandom } from './lib/random.js'
import { recordResult } from './lib/results.js'
import { summarize } from './lib/stats.js'

const COMMAND = 'npx tsx bench/weaviate-insert.ts'
const SIZES = [1, 2, 5, 20, 500]
const DIMENSION = 384
const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' }, label: { type: 'string' } } })
const runs = Number(values.runs)
const name = values.label === undefined ? 'weaviate-insert' : `weaviate-insert-${values.label}`

const random = seededRandom(11)
let next = 0
function memory(): MemoryWrite {
  const now = new Date()
  const target = { scope: { userId: 'bench' }, metadata: {}, observedAt: now, expiresAt: null, memoryType: 'semantic' as const }
  return newMemory(`memory number ${next++} about something`, randomUnitVector(random, DIMENSION), target, now)
}

const dataDir = mkdtempSync(join(tmpdir(), 'engram-bench-insert-'))
const services = await startLocalServices({ cacheDir: defaultCacheDir(), dataDir, weaviate: true, neo4j: false })
try {
  const { env } = services
  const store = await WeaviateVectorStore.open({ url: env.WEAVIATE_URL!, grpcPort: Number(env.WEAVIATE_GRPC_PORT), collection: 'BenchInsert' })
  try {
    await store.insert(Array.from({ length: 300 }, memory)) // warm: dimension known, shard and index exist
    await recordResult(name, `${COMMAND} --runs ${runs}`, async () => {
      const rows = []
      for (const size of SIZES) {
        const samples: number[] = []
        const repeat = size >= 500 ? Math.max(3, Math.ceil(runs / 6)) : runs
        for (let run = 0; run < repeat; run += 1) {
          const batch = Array.from({ length: size }, memory)
          const started = performance.now()
          await store.insert(batch)
          samples.push(performance.now() - started)
        }
        const summary = summarize(samples)
        rows.push({ memories: size, ms: summary, perMemoryMs: Math.round((summary.p50 / size) * 100) / 100 })
        console.log(`insert of ${size}: p50 ${summary.p50} ms, p95 ${summary.p95} ms (${summary.n} calls)`)
      }
      return { rows }
    })
  } finally {
    await store.close()
  }
} finally {
  await services.stop()
  rmSync(dataDir, { recursive: true, force: true })
}
