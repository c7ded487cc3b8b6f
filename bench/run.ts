/**
 * Runs the benchmarks and writes bench/results/*.json, the chart, and the tables of BENCHMARKS.md.
 *
 *   npm run bench        quick: embedded backend only, scopes up to 10k memories (a few minutes)
 *   npm run bench:full   everything: Neo4j + Weaviate too (own servers, started and stopped here), up to 100k
 *
 * Quick results go to bench/results/quick/, full ones to bench/results/; BENCHMARKS.md shows the
 * full results where there are some. `--only name,name` runs a subset (names as in STEPS);
 * `--sizes 1000,10000` sets the store sizes of the search benchmark.
 */
import { addOverhead } from './add-overhead.js'
import { embedderCost } from './embedder.js'
import { type BackendName, stopServices } from './lib/backends.js'
import { CachedEmbedder } from './lib/cached-embedder.js'
import { recordResult } from './lib/results.js'
import { llmEconomy } from './llm-economy.js'
import { renderReport } from './report.js'
import { searchScaling } from './search-latency.js'
import { throughput } from './throughput.js'

const full = process.argv.includes('--full')
const onlyIndex = process.argv.indexOf('--only')
const only = onlyIndex >= 0 ? new Set(process.argv[onlyIndex + 1]?.split(',')) : undefined
const command = full ? 'npm run bench:full' : 'npm run bench'
const prefix = full ? '' : 'quick/'
const backends: BackendName[] = full ? ['embedded', 'neo4j+weaviate'] : ['embedded']
const sizesIndex = process.argv.indexOf('--sizes')
const sizes = sizesIndex >= 0 ? process.argv[sizesIndex + 1]!.split(',').map(Number) : full ? [1_000, 10_000, 100_000] : [1_000, 10_000]

type Step = [name: string, work: (embedder: CachedEmbedder, checkpoint: (partial: unknown) => void) => Promise<unknown>]

const STEPS: Step[] = [
  ['embedder', () => embedderCost()],
  ['llm-economy', (embedder) => llmEconomy(embedder)],
  // Backend by backend, embedded first: the servers start with the first step that needs them, so
  // no embedded figure is measured beside their background work. Loading the largest scopes is the
  // long part of a full run.
  ...backends.flatMap((backend): Step[] => [
    [`add-overhead-${slug(backend)}`, (embedder) => addOverhead(backend, embedder, backend === 'embedded' ? 3 : 4, backend === 'embedded' ? 0 : 6)],
    [`throughput-${slug(backend)}`, (embedder) => throughput(backend, embedder, [1, 8, 32])],
    [`search-scaling-${slug(backend)}`, (_embedder, checkpoint) => searchScaling(backend, sizes, checkpoint)],
  ]),
]

function slug(backend: BackendName): string {
  return backend === 'embedded' ? 'embedded' : 'neo4j-weaviate'
}

async function main(): Promise<void> {
  const started = Date.now()
  const embedder = await CachedEmbedder.open()
  const stop = () => {
    void stopServices().finally(() => process.exit(130))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    for (const [name, work] of STEPS) {
      if (only !== undefined && !only.has(name)) continue
      await recordResult(`${prefix}${name}`, command, (checkpoint) => work(embedder, checkpoint))
    }
  } finally {
    await embedder.close()
    await stopServices()
  }
  renderReport()
  console.log(`\nbenchmarks done in ${Math.round((Date.now() - started) / 1000)} s; BENCHMARKS.md tables and bench/results/search-latency.svg updated`)
}

await main()
