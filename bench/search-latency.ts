/**
 * How fast is search in the embedded vector store at 10,000 memories in one scope?
 *
 * Builds a SQLite vector store holding 10,000 memories of one user plus 10,000 of other users
 * (random unit 384-d vectors, as from all-MiniLM-L6-v2; sentences drawn from a small vocabulary so
 * the keyword index has realistic postings), then times `search` and `nearest` (limit 10) with
 * random query vectors and three-word queries. Target: median search well under 50 ms.
 *
 * Run: npx tsx bench/search-latency.ts   Writes bench/results/search-latency.json.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { SqliteVectorStore } from '../src/adapters/sqlite/sqlite-vector-store.js'
import type { MemoryWrite, Vector } from '../src/ports.js'
import { median, p95 } from './lib/stats.js'

const DIMENSION = 384
const SCOPED = 10_000
const OTHERS = 10_000
const OTHER_USERS = 100
const QUERIES = 200
const WARM_UP = 10
const LIMIT = 10
const BATCH = 500

// Seeded, so every run measures the same data and queries.
let seed = 42
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

function randomUnitVector(): Vector {
  // Sums of uniforms approximate a Gaussian, whose normalised samples are uniform on the sphere.
  const vector = new Float32Array(DIMENSION).map(() => random() + random() + random() - 1.5)
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0))
  return vector.map((value) => value / norm)
}

const WORDS = (
  'coffee tea breakfast lunch dinner pizza pasta salad soup bread cheese apple banana orange ' +
  'running cycling swimming hiking yoga tennis football chess guitar piano music jazz rock ' +
  'book novel poetry history science math physics art painting photo camera travel paris ' +
  'london tokyo berlin beach mountain lake forest garden dog cat bird horse sister brother ' +
  'mother father friend colleague manager doctor teacher meeting project deadline report ' +
  'email phone laptop python typescript database server cloud budget holiday birthday ' +
  'wedding movie series game weekend morning evening allergy vegetarian spicy sweet likes ' +
  'prefers hates visits works lives studies plays reads watches cooks remembers plans'
).split(' ')

/** Zipf-like: low indexes are far more frequent, as in real text. */
const word = (): string => WORDS[Math.floor(WORDS.length * random() ** 2)]!

function sentence(): string {
  return Array.from({ length: 6 + Math.floor(random() * 9) }, word).join(' ')
}

function memory(index: number, userId: string, createdAt: string): MemoryWrite {
  const text = sentence()
  return {
    id: `m${index}`,
    text,
    hash: createHash('md5').update(text).digest('hex'),
    metadata: { source: 'bench' },
    scope: { userId },
    createdAt,
    updatedAt: createdAt,
    observedAt: createdAt,
    vector: randomUnitVector(),
  }
}

async function time(calls: number, call: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < calls; i++) {
    const started = performance.now()
    await call()
    samples.push(performance.now() - started)
  }
  return samples
}

const folder = mkdtempSync(join(tmpdir(), 'engram-bench-'))
try {
  const path = join(folder, 'memories.db')
  const writer = await SqliteVectorStore.open({ path })
  const now = new Date().toISOString()
  const memories = Array.from({ length: SCOPED + OTHERS }, (_, index) =>
    memory(index, index < SCOPED ? 'bench-user' : `other-${index % OTHER_USERS}`, now),
  )
  const insertStarted = performance.now()
  for (let start = 0; start < memories.length; start += BATCH) await writer.insert(memories.slice(start, start + BATCH))
  const insertPerSecond = memories.length / ((performance.now() - insertStarted) / 1000)
  await writer.close()

  // A fresh connection: its first search loads every vector into the cache (see vector-cache.ts).
  const store = await SqliteVectorStore.open({ path })

  const scope = { userId: 'bench-user' }
  const searchOnce = () => store.search({ scope, vector: randomUnitVector(), text: `${word()} ${word()} ${word()}`, limit: LIMIT })
  const nearestOnce = () => store.nearest({ scope, vector: randomUnitVector(), limit: LIMIT })
  const [firstSearch] = await time(1, searchOnce)
  await time(WARM_UP, searchOnce)
  const search = await time(QUERIES, searchOnce)
  const nearest = await time(QUERIES, nearestOnce)
  await store.close()

  const round = (ms: number) => Math.round(ms * 100) / 100
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    memories: { inScope: SCOPED, otherScopes: OTHERS, dimension: DIMENSION },
    queries: QUERIES,
    limit: LIMIT,
    insertPerSecond: Math.round(insertPerSecond),
    firstSearchMs: round(firstSearch!),
    search: { medianMs: round(median(search)), p95Ms: round(p95(search)) },
    nearest: { medianMs: round(median(nearest)), p95Ms: round(p95(nearest)) },
  }
  console.log(`SQLite vector store, ${SCOPED} memories in scope + ${OTHERS} in other scopes, ${DIMENSION}-d, limit ${LIMIT}`)
  console.table({ search: result.search, nearest: result.nearest })
  console.log(`insert: ${result.insertPerSecond} memories/s (batches of ${BATCH})`)
  console.log(`first search after opening (loads ${SCOPED + OTHERS} vectors): ${result.firstSearchMs} ms`)
  const results = fileURLToPath(new URL('results/', import.meta.url))
  mkdirSync(results, { recursive: true })
  writeFileSync(join(results, 'search-latency.json'), `${JSON.stringify(result, null, 2)}\n`)
} finally {
  rmSync(folder, { recursive: true, force: true })
}
