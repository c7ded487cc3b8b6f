/**
 * Where a search's time goes, store call by store call, at one size: the hybrid fact search alone,
 * plain kNN, entity linking, and the graph walk at several path limits (graph-search.ts asks for
 * MAX_PATHS = 500). Not part of `npm run bench`; the source of the path-limit figures in
 * BENCHMARKS.md. Run: npx tsx bench/diagnose-search.ts [embedded|neo4j+weaviate] [memories]
 */
import { performance } from 'node:perf_hooks'
import { matchText } from '../src/normalize.js'
import { type BackendName, openStores, stopServices } from './lib/backends.js'
import { randomUnitVector } from './lib/random.js'
import { summarize } from './lib/stats.js'
import { SyntheticScope } from './lib/synthetic-store.js'

const CALLS = 30
const backend = (process.argv[2] ?? 'embedded') as BackendName
const size = Number(process.argv[3] ?? 10_000)

async function timeCalls(label: string, call: (index: number) => Promise<unknown>): Promise<void> {
  const timings: number[] = []
  for (let index = 0; index < CALLS; index += 1) {
    const started = performance.now()
    await call(index)
    timings.push(performance.now() - started)
  }
  const { p50, p95 } = summarize(timings)
  console.log(`${label.padEnd(32)} p50 ${p50} ms  p95 ${p95} ms`)
}

try {
  const stores = await openStores(backend)
  const grown = new SyntheticScope({ userId: 'bench-user' }, stores.vectorStore, stores.graphStore)
  await grown.growTo(size)
  const { scope, random } = grown
  const name = () => grown.names[1 + Math.floor(random() * (grown.names.length - 1))]!
  const link = () =>
    stores.graphStore.linkEntities({
      scope,
      vector: randomUnitVector(random),
      text: matchText(`about ${name()} ${grown.word()}`),
      minSimilarity: 0.45,
      limit: 10,
    })
  console.log(`${backend}, ${size} memories, ${grown.names.length} entities, ${CALLS} calls each`)
  await timeCalls('vectorStore.search (hybrid)', () =>
    stores.vectorStore.search({ scope, vector: randomUnitVector(random), text: `about ${name()} ${grown.word()} ${grown.word()}`, limit: 10 }),
  )
  await timeCalls('vectorStore.nearest', () => stores.vectorStore.nearest({ scope, vector: randomUnitVector(random), limit: 10 }))
  await timeCalls('graph.linkEntities', link)
  const seeds = await Promise.all(Array.from({ length: CALLS }, async () => (await link()).map((linked) => linked.entity.id)))
  for (const limit of [500, 100, 50, 20]) {
    await timeCalls(`graph.traverse hops 2, limit ${limit}`, (index) => stores.graphStore.traverse({ scope, seeds: seeds[index]!, hops: 2, limit }))
  }
  await stores.vectorStore.close()
  await stores.graphStore.close()
} finally {
  await stopServices()
}
