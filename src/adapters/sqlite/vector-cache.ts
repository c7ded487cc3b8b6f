import type { MemoryType, ScopeFilter, Vector } from '../../ports.js'
import type { ScopeColumns } from '../scope-columns.js'
import { dot } from '../vector-math.js'
import type { KeywordCorpus } from '../keyword-scoring.js'
import { type Scored, ScopedVectors } from '../scoped-vectors.js'

/** What the lifecycle filters of a read (ScopeFilter `memoryType`, `activeAt`, `updatedSince`) test. */
export interface MemoryLifecycle {
  /** ISO-8601, or `null`: never expires. */
  readonly expiresAt: string | null
  /** ISO-8601. */
  readonly updatedAt: string
  readonly memoryType: MemoryType
}

/** A memory's vector, the scope it belongs to, its lifecycle and its keyword length. */
export interface CachedVector {
  readonly columns: ScopeColumns
  readonly vector: Vector
  readonly lifecycle: MemoryLifecycle
  /** How many keyword terms its text holds (keyword-scoring.ts), what BM25 averages per scope. */
  readonly keywordLength: number
  /** Its keyword terms, when the writer has them at hand; otherwise read when first scored. */
  readonly terms?: readonly string[]
}

/** What one committed write transaction did to the stored vectors, by memory seq. */
export interface VectorChanges {
  /** Every memory was deleted (reset); applied before `removed` and `set`. */
  cleared: boolean
  readonly removed: number[]
  readonly set: Map<number, CachedVector>
}

/**
 * The vector, scope and lifecycle of every memory, by seq, vectors grouped by scope in contiguous
 * Float32Arrays ({@link ScopedVectors}), so that a nearest-neighbour search scores vectors already
 * in memory without a SQLite row or function call per memory, and ranks only memories the read's
 * lifecycle filters admit (expired ones cannot crowd the wanted ones out of the top k). Why: better-sqlite3 hands each BLOB to
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
  readonly #lifecycles = new Map<number, MemoryLifecycle>()
  readonly #keywordLengths = new Map<number, number>()
  /** Keyword terms of memories scored before, so that a search tokenizes each text once. */
  readonly #terms = new Map<number, readonly string[]>()
  #generation: number | undefined
  readonly #queries = new Map<number, Vector>()
  #nextQuery = 0

  /** Reloads every vector unless the cache already reflects `generation`. Call inside the read transaction. */
  refresh(generation: number, load: () => Iterable<[seq: number, cached: CachedVector]>): void {
    if (generation === this.#generation) return
    this.#clear()
    for (const [seq, cached] of load()) this.#set(seq, cached)
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
    if (changes.cleared) this.#clear()
    for (const seq of changes.removed) {
      this.#vectors.delete(seq)
      this.#lifecycles.delete(seq)
      this.#keywordLengths.delete(seq)
      this.#terms.delete(seq)
    }
    for (const [seq, cached] of changes.set) this.#set(seq, cached)
    this.#generation = after
  }

  /**
   * The `count` memories the filter's scope can see and its lifecycle filters admit that are most
   * similar to `query`, best first (ties by seq); of exactly that scope with `exactScope`.
   * Metadata filters are left to SQL. Call after `refresh`.
   */
  best(filter: ScopeFilter, query: Vector, count: number): Array<Scored<number>> {
    const admits = lifecycleTest(filter)
    return this.#vectors.best(filter.scope, query, count, admits && ((seq) => admits(this.#lifecycles.get(seq)!)), filter.exactScope === true)
  }

  /**
   * A test of whether the filter's scope and lifecycle filters admit a memory (metadata filters
   * are left to SQL). Call after `refresh`.
   */
  admitter(filter: ScopeFilter): (seq: number) => boolean {
    const lifecycle = lifecycleTest(filter)
    const exact = filter.exactScope === true
    return (seq) => {
      const columns = this.#vectors.columnsOf(seq)
      if (columns === undefined || !ScopedVectors.matches(columns, filter.scope, exact)) return false
      return lifecycle === undefined || lifecycle(this.#lifecycles.get(seq)!)
    }
  }

  /**
   * How many memories the filter's scope and memory type admit, and their mean keyword length:
   * BM25's corpus for a read without metadata filters. The time filters (expiry, age) are left
   * out, as by the Weaviate store, which reuses the figures between searches. Call after `refresh`.
   */
  keywordCorpus(filter: ScopeFilter): KeywordCorpus {
    const { memoryType } = filter
    let documents = 0
    let length = 0
    this.#vectors.forEachKey(
      filter.scope,
      (seq) => {
        if (memoryType !== undefined && this.#lifecycles.get(seq)!.memoryType !== memoryType) return
        documents += 1
        length += this.#keywordLengths.get(seq)!
      },
      filter.exactScope === true,
    )
    return { documents, averageLength: documents === 0 ? 0 : length / documents }
  }

  /** The keyword terms of a memory scored before, or `undefined`. */
  terms(seq: number): readonly string[] | undefined {
    return this.#terms.get(seq)
  }

  /** Keeps a memory's keyword terms for later searches (until it changes or the cache reloads). */
  keepTerms(seq: number, terms: readonly string[]): void {
    if (this.#lifecycles.has(seq)) this.#terms.set(seq, terms)
  }

  /** A copy of a memory's vector (the cache's own views move with later writes). */
  vectorOf(seq: number): Vector {
    const vector = this.#vectors.get(seq)
    if (vector === undefined) throw new Error(`no vector for memory seq ${seq}; the vector cache is out of step`)
    return vector.slice()
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

  #set(seq: number, { columns, vector, lifecycle, keywordLength, terms }: CachedVector): void {
    this.#vectors.set(seq, columns, vector)
    this.#lifecycles.set(seq, lifecycle)
    this.#keywordLengths.set(seq, keywordLength)
    if (terms === undefined) this.#terms.delete(seq)
    else this.#terms.set(seq, terms)
  }

  #clear(): void {
    this.#vectors.clear()
    this.#lifecycles.clear()
    this.#keywordLengths.clear()
    this.#terms.clear()
  }

  /**
   * The SQL function `vector_similarity(seq, query)`: the dot product of a memory's vector and a
   * registered query vector, which is their cosine similarity since both are L2-normalised.
   */
  readonly similarity = (seq: number, query: number): number => {
    const x = this.#vectors.get(seq)
    const y = this.#queries.get(query)
    if (x === undefined || y === undefined)
      throw new Error(`vector_similarity: no vector for memory seq ${seq} or query ${query}; the vector cache is out of step`)
    if (x.length !== y.length) throw new Error(`vector_similarity: vectors of ${x.length} and ${y.length} dimensions cannot be compared`)
    return dot(x, y)
  }
}

/**
 * The lifecycle filters of a read as a test, or `undefined` when it gives none. Compares ISO-8601
 * text as the SQL fragments in `sql/vector/where/` do, so both always agree.
 */
function lifecycleTest(filter: ScopeFilter): ((lifecycle: MemoryLifecycle) => boolean) | undefined {
  const { memoryType, activeAt, updatedSince } = filter
  if (memoryType === undefined && activeAt === undefined && updatedSince === undefined) return undefined
  return (lifecycle) =>
    (memoryType === undefined || lifecycle.memoryType === memoryType) &&
    (activeAt === undefined || lifecycle.expiresAt === null || lifecycle.expiresAt > activeAt) &&
    (updatedSince === undefined || lifecycle.updatedAt >= updatedSince)
}
