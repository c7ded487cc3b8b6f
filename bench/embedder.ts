/**
 * The local embedding model's own cost: opening it, one query, and a batch of 32 short sentences.
 * Run: npx tsx bench/embedder.ts   (needs the model: npm run fetch-model)
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { LocalEmbedder } from '../src/adapters/local/local-embedder.js'
import { defaultModelDir } from '../src/adapters/local/model-files.js'
import { median, p95 } from './lib/stats.js'

const SENTENCES = Array.from({ length: 32 }, (_, index) => `Memory number ${index}: Alice mentioned that she likes green tea and long walks by the river.`)

async function time<T>(work: () => Promise<T>): Promise<number> {
  const start = performance.now()
  await work()
  return performance.now() - start
}

async function main(): Promise<void> {
  const modelDir = process.env.ENGRAM_MODEL_DIR ?? defaultModelDir()
  const opens: number[] = []
  for (let run = 0; run < 5; run += 1) {
    let embedder: LocalEmbedder | undefined
    opens.push(await time(async () => (embedder = await LocalEmbedder.open({ modelDir }))))
    await embedder?.close()
  }
  const embedder = await LocalEmbedder.open({ modelDir })
  const queries: number[] = []
  for (let run = 0; run < 50; run += 1) queries.push(await time(() => embedder.embed([`where does alice walk ${run}`])))
  const batches: number[] = []
  for (let run = 0; run < 10; run += 1) batches.push(await time(() => embedder.embed(SENTENCES)))
  await embedder.close()

  const rows = {
    open: { medianMs: round(median(opens)), p95Ms: round(p95(opens)) },
    'one query': { medianMs: round(median(queries)), p95Ms: round(p95(queries)) },
    '32 sentences': { medianMs: round(median(batches)), p95Ms: round(p95(batches)) },
  }
  console.log('Local embedder (all-MiniLM-L6-v2, quantised ONNX, CPU)')
  console.table(rows)
  console.log(`throughput: ${Math.round((32 * 1000) / median(batches))} texts/s`)
  mkdirSync('bench/results', { recursive: true })
  writeFileSync('bench/results/embedder.json', JSON.stringify(rows, null, 2))
}

const round = (ms: number): number => Math.round(ms * 100) / 100

await main()
