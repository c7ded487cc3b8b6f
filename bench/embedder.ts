/**
 * The local embedding model's own cost: opening it, one query, and a batch of 32 short sentences.
 * The other benchmarks leave this time out (their vectors are computed beforehand); this is what
 * to add back. Needs the model: npm run fetch-model.
 */
import { performance } from 'node:perf_hooks'
import { LocalEmbedder } from '../src/adapters/local/local-embedder.js'
import { defaultModelDir } from '../src/adapters/local/model-files.js'
import { round, summarize, type Summary } from './lib/stats.js'

const SENTENCES = Array.from({ length: 32 }, (_, index) => `Memory number ${index}: Alice mentioned that she likes green tea and long walks by the river.`)

async function time<T>(work: () => Promise<T>): Promise<number> {
  const start = performance.now()
  await work()
  return performance.now() - start
}

export interface EmbedderResult {
  model: string
  openMs: Summary
  oneQueryMs: Summary
  batchOf32Ms: Summary
  textsPerSecond: number
}

export async function embedderCost(): Promise<EmbedderResult> {
  const modelDir = process.env.ENGRAM_MODEL_DIR ?? defaultModelDir()
  const opens: number[] = []
  for (let run = 0; run < 5; run += 1) {
    let embedder: LocalEmbedder | undefined
    opens.push(await time(async () => (embedder = await LocalEmbedder.open({ modelDir }))))
    await embedder?.close()
  }
  const embedder = await LocalEmbedder.open({ modelDir })
  const queries: number[] = []
  for (let run = 0; run < 50; run += 1) queries.push(await time(() => embedder.embed([`where does alice walk ${run}`], 'query')))
  const batches: number[] = []
  for (let run = 0; run < 10; run += 1) batches.push(await time(() => embedder.embed(SENTENCES, 'document')))
  await embedder.close()
  const batch = summarize(batches)
  return { model: embedder.model, openMs: summarize(opens), oneQueryMs: summarize(queries), batchOf32Ms: batch, textsPerSecond: round((32 * 1000) / batch.p50) }
}
