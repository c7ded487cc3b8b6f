import { createHash } from 'node:crypto'
import type { Embedder, EmbeddingPurpose, Vector } from '../../src/ports.js'

/**
 * A deterministic bag-of-words embedder for fast pipeline tests: each lower-cased word is hashed
 * into one of `dimensions` buckets, and the vector is L2-normalised. Texts sharing words are
 * similar; identical texts are identical. Semantics tests use the real local model instead.
 */
export class HashEmbedder implements Embedder {
  readonly model: string
  calls = 0

  constructor(readonly dimensions = 64) {
    this.model = `hash-${dimensions}`
  }

  /** Queries and documents alike: bags of words need no prefixes. */
  async embed(texts: string[], _purpose?: EmbeddingPurpose): Promise<Vector[]> {
    this.calls += 1
    return texts.map((text) => this.#vector(text))
  }

  #vector(text: string): Vector {
    const vector = new Float32Array(this.dimensions)
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
      const bucket = createHash('md5').update(word).digest().readUInt32LE(0) % this.dimensions
      vector[bucket] = (vector[bucket] ?? 0) + 1
    }
    const norm = Math.hypot(...vector) || 1
    return vector.map((value) => value / norm)
  }

  async close(): Promise<void> {}
}
