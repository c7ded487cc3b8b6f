/**
 * An embedder that answers from vectors the real local model computed beforehand, so that timings
 * show Engram's own work; it remembers what each text cost the model, so the model's share can be
 * reported separately. Texts it was not prepared for go to the model, and that time is counted.
 */
import { performance } from 'node:perf_hooks'
import { LocalEmbedder } from '../../src/adapters/local/local-embedder.js'
import { defaultModelDir } from '../../src/adapters/local/model-files.js'
import type { Embedder, EmbeddingPurpose, Vector } from '../../src/ports.js'

export class CachedEmbedder implements Embedder {
  readonly model: string
  readonly #vectors = new Map<string, { vector: Vector; ms: number }>()
  /** Model time of the texts asked for (hits included): what the real model would have cost. */
  modelMs = 0
  /** Time actually spent in the model during `embed` (texts not prepared). */
  missMs = 0
  misses = 0

  private constructor(readonly real: LocalEmbedder) {
    this.model = real.model
  }

  static async open(): Promise<CachedEmbedder> {
    return new CachedEmbedder(await LocalEmbedder.open({ modelDir: process.env.ENGRAM_MODEL_DIR ?? defaultModelDir() }))
  }

  /** Embeds the texts not yet known for `purpose`, one at a time (as the model runs anyway), timing each. */
  async prepare(texts: Iterable<string>, purpose: EmbeddingPurpose = 'document'): Promise<void> {
    for (const text of new Set(texts)) {
      if (this.#vectors.has(cacheKey(text, purpose))) continue
      const started = performance.now()
      const [vector] = await this.real.embed([text], purpose)
      this.#vectors.set(cacheKey(text, purpose), { vector: vector!, ms: performance.now() - started })
    }
  }

  /** Counters back to zero; returns what they were. */
  takeCounters(): { modelMs: number; missMs: number; misses: number } {
    const counters = { modelMs: this.modelMs, missMs: this.missMs, misses: this.misses }
    this.modelMs = this.missMs = this.misses = 0
    return counters
  }

  async embed(texts: string[], purpose: EmbeddingPurpose): Promise<Vector[]> {
    const missing = texts.filter((text) => !this.#vectors.has(cacheKey(text, purpose)))
    if (missing.length > 0) {
      const started = performance.now()
      await this.prepare(missing, purpose)
      this.missMs += performance.now() - started
      this.misses += missing.length
    }
    return texts.map((text) => {
      const known = this.#vectors.get(cacheKey(text, purpose))!
      this.modelMs += known.ms
      return known.vector
    })
  }

  async close(): Promise<void> {
    await this.real.close()
  }
}

/** A query and a document of the same text are embedded differently by models with prefixes. */
function cacheKey(text: string, purpose: EmbeddingPurpose): string {
  return `${purpose}:${text}`
}
