import type { Vector } from '../../ports.js'
import { dot } from '../vector-math.js'

/** What one committed write transaction did to the stored vectors, by memory seq. */
export interface VectorChanges {
  /** Every memory was deleted (reset); applied before `removed` and `set`. */
  cleared: boolean
  readonly removed: number[]
  readonly set: Map<number, Vector>
}

/**
 * The decoded vector of every memory, by seq, so that similarity runs on Float32Arrays already in
 * memory. Why: better-sqlite3 hands each BLOB to JavaScript as a freshly allocated Buffer, about
 * 2 µs apiece; a dot-product SQL function over the BLOB column therefore cost ~65 ms per search at
 * 10k memories, ~12 ms from this cache (bench/search-latency.ts). The price is memory: 4 bytes ×
 * dimension per memory (15 MB for 10k 384-d vectors).
 *
 * The cache follows the `generation` counter that triggers bump on every vector change: a read
 * whose generation differs from the cache's reloads everything (another process wrote), while this
 * connection's own writes are applied in place.
 */
export class VectorCache {
  readonly #vectors = new Map<number, Vector>()
  #generation: number | undefined
  readonly #queries = new Map<number, Vector>()
  #nextQuery = 0

  /** Reloads every vector unless the cache already reflects `generation`. Call inside the read transaction. */
  refresh(generation: number, load: () => Iterable<[seq: number, vector: Vector]>): void {
    if (generation === this.#generation) return
    this.#vectors.clear()
    for (const [seq, vector] of load()) this.#vectors.set(seq, vector)
    this.#generation = generation
  }

  /**
   * Applies a committed write that moved the generation from `before` to `after`. A cache that was
   * not current at `before` missed someone else's write too, so it is dropped and reloads on the
   * next read instead.
   */
  commit(before: number, after: number, changes: VectorChanges): void {
    if (before !== this.#generation) {
      this.#generation = undefined
      return
    }
    if (changes.cleared) this.#vectors.clear()
    for (const seq of changes.removed) this.#vectors.delete(seq)
    for (const [seq, vector] of changes.set) this.#vectors.set(seq, vector)
    this.#generation = after
  }

  /** Runs `work` with `vector` registered under a fresh handle, the `:query` of `vector_similarity`. */
  withQuery<T>(vector: Vector, work: (handle: number) => T): T {
    const handle = this.#nextQuery++
    this.#queries.set(handle, vector)
    try {
      return work(handle)
    } finally {
      this.#queries.delete(handle)
    }
  }

  /**
   * The SQL function `vector_similarity(seq, query)`: the dot product of a memory's vector and a
   * registered query vector, which is their cosine similarity since both are L2-normalised.
   */
  readonly similarity = (seq: number, query: number): number => {
    const x = this.#vectors.get(seq)
    const y = this.#queries.get(query)
    if (x === undefined || y === undefined) throw new Error(`vector_similarity: no vector for memory seq ${seq} or query ${query}; the vector cache is out of step`)
    if (x.length !== y.length) throw new Error(`vector_similarity: vectors of ${x.length} and ${y.length} dimensions cannot be compared`)
    return dot(x, y)
  }
}
