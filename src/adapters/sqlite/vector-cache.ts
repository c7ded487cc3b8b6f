import type { Scope } from '../../input.js'
import type { Vector } from '../../ports.js'
import type { ScopeColumns } from '../scope-columns.js'
import { dot } from '../vector-math.js'
import { type Scored, ScopedVectors } from './scoped-vectors.js'

/** A memory's vector and the scope it belongs to. */
export interface CachedVector {
  readonly columns: ScopeColumns
  readonly vector: Vector
}

/** What one committed write transaction did to the stored vectors, by memory seq. */
export interface VectorChanges {
  /** Every memory was deleted (reset); applied before `removed` and `set`. */
  cleared: boolean
  readonly removed: number[]
  readonly set: Map<number, CachedVector>
}

/**
 * The vector and scope of every memory, by seq, grouped by scope in contiguous Float32Arrays
 * ({@link ScopedVectors}), so that a nearest-neighbour search scores vectors already in memory
 * without a SQLite row or function call per memory. Why: better-sqlite3 hands each BLOB to
 * JavaScript as a freshly allocated Buffer, and a SQL function call and a row visit per memory
 * cost ~17 ms per search at 10k memories even with the vectors cached; scanning the slab costs a
 * few (bench/search-latency.ts). The price is memory: 4 bytes × dimension per memory (15 MB for
 * 10k 384-d vectors).
 *
 * The cache follows the `generation` counter that triggers bump on every vector change: a read
 * whose generation differs from the cache's reloads everything (another process wrote), while this
 * connection's own writes are applied in place.
 */
export class VectorCache {
  readonly #vectors = new ScopedVectors<number>()
  #generation: number | undefined
  readonly #queries = new Map<number, Vector>()
  #nextQuery = 0

  /** Reloads every vector unless the cache already reflects `generation`. Call inside the read transaction. */
  refresh(generation: number, load: () => Iterable<[seq: number, cached: CachedVector]>): void {
    if (generation === this.#generation) return
    this.#vectors.clear()
    for (const [seq, { columns, vector }] of load()) this.#vectors.set(seq, columns, vector)
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
    for (const [seq, { columns, vector }] of changes.set) this.#vectors.set(seq, columns, vector)
    this.#generation = after
  }

  /** The `count` memories the scope can see most similar to `query`, best first (ties by seq). Call after `refresh`. */
  best(scope: Scope, query: Vector, count: number): Array<Scored<number>> {
    return this.#vectors.best(scope, query, count)
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
