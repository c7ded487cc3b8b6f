import neo4j from 'neo4j-driver'
import { EngramError } from '../../errors.js'
import type { EntityWrite, Vector } from '../../ports.js'
import type { Neo4jConnection } from './neo4j-connection.js'
import { dimensionMismatch } from './neo4j-errors.js'
import { scoreOf, vectorParam } from './neo4j-records.js'
import type { EntityRecord, ScopeValues } from '../graph-records.js'

/** An entity the vector index found, with its index score `(1 + cosine) / 2`. */
export interface ScoredEntity {
  entity: EntityRecord
  score: number
}

/** Which entities a search keeps: one exact scope (`scope_key`), or those visible to the ids (`scope_key` null). */
export type EntityFilter = Pick<ScopeValues, 'user_id' | 'agent_id' | 'run_id'> & { scope_key: string | null }

/** One row of `read/nearest-entities`. */
interface NearestRow {
  query: number
  returned: number
  last_score: number
  hits: ScoredEntity[]
}

/**
 * The first k of a search is a few times what it keeps: other scopes' entities share the index
 * and come back among the nearest, and a round that keeps too few costs another round trip.
 */
const OVERFETCH = 4
const MIN_K = 16

/** Neo4j's message when a query names a vector index that does not exist. */
const MISSING_INDEX = /no such vector schema index/i

/** How long schema changes may take to come online before a write fails. */
const INDEX_ONLINE_SECONDS = 300

/**
 * The `entity_embedding` vector index: created for the dimension of the first embeddings written
 * (the embedding model decides it, and the store is opened before any is seen), and searched
 * for the nearest entities of one scope although it holds every scope's.
 */
export class EntityVectorIndex {
  readonly #connection: Neo4jConnection
  /** The index's dimension once known; never cached as absent, since another store may create it. */
  #dimensions: number | undefined

  constructor(connection: Neo4jConnection) {
    this.#connection = connection
  }

  /**
   * Makes sure the index exists for the dimension of `entities`, before the write that stores
   * them (schema changes cannot share a transaction with data). An index of another dimension is
   * replaced only while no entity exists, i.e. after a reset.
   *
   * Once this store has seen the index with this dimension it trusts that, rather than read the
   * schema before every write (a round trip per add). A write cannot notice the index going away
   * (Neo4j stores the property unindexed), but the next search fails on it and `nearest` then
   * forgets the dimension, so the write after that reads the schema and re-creates the index.
   *
   * @throws EngramError INVALID_CONFIG when the embeddings' dimensions differ from each other or
   *   from the stored ones.
   */
  async prepareFor(entities: readonly EntityWrite[]): Promise<void> {
    const dimensions = entities[0]?.vector.length
    if (dimensions === undefined) return
    if (entities.some((entity) => entity.vector.length !== dimensions)) {
      throw dimensionMismatch('was sent embeddings of different dimensions in one write', this.#connection.target)
    }
    if (this.#dimensions === dimensions) return
    const current = await this.#currentDimensions()
    if (current === dimensions) return
    if (current !== undefined) {
      if (!(await this.#isEmpty())) throw dimensionMismatch(`holds ${current}-dimensional embeddings, not ${dimensions}`, this.#connection.target)
      await this.#connection.autoCommit('schema/drop-entity-embedding-index')
    }
    await this.#connection.autoCommit('schema/entity-embedding-index', { dimensions: neo4j.int(dimensions) })
    await this.#connection.autoCommit('schema/await-indexes', { seconds: neo4j.int(INDEX_ONLINE_SECONDS) })
    this.#dimensions = dimensions
  }

  /**
   * For each vector, the `want` entities passing `filter` with the highest scores of at least
   * `scoreOf(minSimilarity)`, best first (ties by id, as the SQLite store orders them); fewer when
   * fewer qualify.
   *
   * The index cannot filter by scope, so a round asks it for each vector's k nearest entities of
   * every scope and keeps those passing the filter. The index returns them by descending score,
   * so every entity it did not return scores at most the last score it did return. A vector is
   * therefore done when its round returned fewer than k entities (the index has no more), or its
   * last score is below the threshold (no unreturned entity qualifies), or `want` kept entities
   * all score above the last score (no unreturned entity can displace or tie them). Otherwise k
   * doubles and the vector is asked again: a scope whose entities lie behind thousands of other
   * scopes' still gets its answer, in a few rounds at most log2(entities / k). Exact up to the
   * index's own approximation (HNSW), which the SQLite store's full scan does not have.
   *
   * @throws EngramError INVALID_CONFIG when the vectors' dimension differs from the stored
   *   embeddings' (unless no entity exists: then nothing is found).
   */
  async nearest(vectors: readonly Vector[], want: number, minSimilarity: number, filter: EntityFilter): Promise<ScoredEntity[][]> {
    try {
      return await this.#nearest(vectors, want, minSimilarity, filter)
    } catch (error) {
      // Another connection replaced the index for another embedding model: forget the dimension,
      // so that the next write reads the schema and refuses its embeddings.
      if (isCode(error, 'INVALID_CONFIG')) this.#dimensions = undefined
      // The index this store saw is gone (dropped, or the server was replaced by an empty one):
      // read the schema again rather than fail every later search.
      if (this.#dimensions === undefined || !MISSING_INDEX.test(error instanceof Error ? error.message : '')) throw error
      this.#dimensions = undefined
      return this.#nearest(vectors, want, minSimilarity, filter)
    }
  }

  async #nearest(vectors: readonly Vector[], want: number, minSimilarity: number, filter: EntityFilter): Promise<ScoredEntity[][]> {
    const results: ScoredEntity[][] = vectors.map(() => [])
    const minScore = scoreOf(minSimilarity)
    let pending = vectors.flatMap((vector, query) => (isSearchable(vector) ? [{ query, vector: vectorParam(vector), k: Math.max(MIN_K, want * OVERFETCH) }] : []))
    if (pending.length === 0 || !(await this.#canSearch(vectors[0]!.length))) return results
    while (pending.length > 0) {
      const queries = pending.map(({ query, vector, k }) => ({ query: neo4j.int(query), vector, k: neo4j.int(k) }))
      const rows = await this.#connection.readRows<NearestRow>('read/nearest-entities', { queries, min_score: minScore, ...filter })
      const byQuery = new Map(rows.map((row) => [row.query, row]))
      pending = pending.flatMap((search) => {
        const row = byQuery.get(search.query)
        if (row === undefined) return []
        const kept = [...row.hits].sort(byScore)
        results[search.query] = kept.slice(0, want)
        const exhausted = row.returned < search.k || row.last_score < minScore
        const settled = kept.length >= want && kept[want - 1]!.score > row.last_score
        return exhausted || settled ? [] : [{ ...search, k: search.k * 2 }]
      })
    }
    return results
  }

  /** False when there is nothing to search yet; checks the query's dimension against the index's. */
  async #canSearch(dimensions: number): Promise<boolean> {
    if (this.#dimensions === dimensions) return true
    // Read again when unknown or different: another store may have created or, after a reset, replaced the index.
    const current = await this.#currentDimensions()
    if (current === undefined) return false
    if (current === dimensions) return true
    if (await this.#isEmpty()) return false
    throw dimensionMismatch(`holds ${current}-dimensional embeddings, but the query has ${dimensions}`, this.#connection.target)
  }

  async #currentDimensions(): Promise<number | undefined> {
    const [row] = await this.#connection.autoCommit<{ dimensions: number }>('schema/entity-embedding-dimensions')
    this.#dimensions = row?.dimensions
    return this.#dimensions
  }

  async #isEmpty(): Promise<boolean> {
    const [row] = await this.#connection.read((runner) => runner.rows<{ entities: number }>('read/count-entities'))
    return row?.entities === 0
  }
}

function isCode(error: unknown, code: EngramError['code']): boolean {
  return error instanceof EngramError && error.code === code
}

/** Best first; equal scores by id, as the SQLite store orders them. */
export function byScore(a: ScoredEntity, b: ScoredEntity): number {
  return b.score - a.score || (a.entity.id < b.entity.id ? -1 : a.entity.id > b.entity.id ? 1 : 0)
}

/**
 * Neo4j's cosine index refuses a zero or non-finite vector. Its cosine is undefined, and the
 * SQLite store's dot product gives it similarity 0 with everything: no match above a threshold.
 */
export function isSearchable(vector: Vector): boolean {
  let norm = 0
  for (const value of vector) norm += value * value
  return Number.isFinite(norm) && norm > 0
}
