import type { Vector } from '../../ports.js'
import { EntityBuckets, generatePlanes, splitPlanes, usesBuckets } from '../entity-buckets.js'
import { type EntityLink, type LinkQuery, linkByNameOrVector } from '../entity-links.js'
import { columnsOfScopeKey, type EntityRecord, entityMatchText } from '../graph-records.js'
import { fromScopeColumns, type ScopeColumns, toScopeColumns } from '../scope-columns.js'
import { isVisible, ScopedVectors } from '../scoped-vectors.js'
import { dimensionMismatch, dot, normalizeVector } from '../vector-math.js'
import type { Neo4jConnection } from './neo4j-connection.js'
import { compareStrings } from '../../compare-strings.js'

/**
 * Which entities a search keeps: those visible to the ids, and of exactly one scope when
 * `scope_key` is set (give that scope's ids too: they find its generation node through their indexes).
 */
export type EntityFilter = ScopeColumns & { scope_key: string | null }

/** A filter of exactly one scope: what entity resolution searches. */
export type ExactScope = EntityFilter & { scope_key: string }

/** An entity and its cosine similarity to a query vector. */
export interface SimilarEntity {
  entity: EntityRecord
  similarity: number
}

/** An entity linked to a query (entity-links.ts), with its record. */
export interface LinkedRecord {
  entity: EntityRecord
  similarity: number
  keyword: boolean
}

/** What the mirror holds of one entity besides its vector. */
interface MirroredEntity {
  readonly record: EntityRecord
  /** The scope_key it is held under. */
  readonly scopeKey: string
  /** entityMatchText of its name, for keyword links. */
  readonly matchText: string | null
}

/** What the mirror holds of one exact scope: the generation it reflects, and its entities' ids. */
interface MirroredScope {
  readonly columns: ScopeColumns
  epoch: string
  value: number
  ids: Set<string>
  /** Entity id by key (unique within a scope). */
  byKey: Map<string, string>
  /** Floats held for the scope's vectors (their dimensions summed), for the memory bound. */
  floats: number
  /** The scope's hash index, built once it holds BUCKETS_FROM entities and kept up to date after. */
  buckets?: ScopeBuckets
}

/** One scope's entities by bucket (entity-buckets.ts), for one dimension. */
interface ScopeBuckets {
  readonly hashing: EntityBuckets
  readonly dimension: number
  readonly members: Map<number, Set<string>>
  /** Each entity's buckets, to take it out again. */
  readonly of: Map<string, number[]>
}

/** One row of `read/entity-changes`. */
interface ChangeRow {
  scope_key: string
  epoch: string
  value: number
  full: boolean
  entities: Array<EntityRecord & { embedding: number[] }>
}

/**
 * At most this many floats (256 MiB) of mirrored embeddings per store: about 170,000 entities of
 * 384 dimensions. Beyond it the least recently searched scopes are dropped, to be read again in
 * full when next searched.
 */
const MAX_FLOATS = 64 * 2 ** 20

/**
 * Scopes of at least this many entities are resolved through a hash index rather than a scan: a
 * scan of 1,000 384-d vectors takes about 0.6 ms, and building the index costs about 0.25 ms per
 * entity, once per scope and process.
 */
const BUCKETS_FROM = 1000

/**
 * The entities of the scopes this store searches, with their embeddings, mirrored in process and
 * scored there: entity resolution and query linking ask Neo4j only what changed.
 *
 * Why not Neo4j's vector index: it spans every scope and cannot filter by one, so a scope's
 * nearest entities had to be fished out of every scope's by widening requests; and its queries
 * slow down as small writes accumulate (at 4,700 entities written add by add, 54 ms p50 for
 * k = 16, 7.9 ms after the same index was rebuilt: BENCHMARKS.md §3). Here a search touches only
 * its own scopes, so no tenant's entities can crowd out another's.
 *
 * Staying current: every write of a scope's entities advances the scope's `__EntityGeneration__`
 * node and stamps the entities it wrote with the new value (write/upsert-entities). Each search
 * first reads, in one statement (read/entity-changes), the generation of every scope it may use
 * and the entities written since the generation held here, so it sees every write committed
 * before it began, from any process. A deleted scope loses its node (the mirror drops it); a
 * scope written again, or restored, gets a new epoch (the mirror reloads it whole).
 */
export class EntityMirror {
  readonly #connection: Neo4jConnection
  readonly #maxFloats: number
  readonly #vectors = new ScopedVectors<string>()
  readonly #entities = new Map<string, MirroredEntity>()
  /** Mirrored scopes by scope_key, least recently searched first. */
  readonly #scopes = new Map<string, MirroredScope>()
  /** Hash planes by dimension: generated from a fixed seed, the same in every process and store. */
  readonly #planes = new Map<number, Vector[]>()
  /** Catch-ups that calls of the current synchronous turn may still join, by filter (see #catchUp). */
  readonly #joinable = new Map<string, Promise<void>>()
  #floats = 0

  /** `maxFloats`: the bound on mirrored embeddings (default MAX_FLOATS). */
  constructor(connection: Neo4jConnection, maxFloats = MAX_FLOATS) {
    this.#connection = connection
    this.#maxFloats = maxFloats
  }

  /**
   * For each vector, the `want` entities of exactly `scope` whose similarity is at least
   * `minSimilarity`, best first (ties by id, as the SQLite store orders them); none for a vector
   * without a cosine (zero or not finite), as in the SQLite store.
   *
   * @throws EngramError INVALID_CONFIG when a vector's dimension differs from the scope's stored embeddings'.
   */
  async nearest(vectors: readonly Vector[], want: number, minSimilarity: number, scope: ExactScope): Promise<SimilarEntity[][]> {
    const queries = vectors.map((vector) => (isSearchable(vector) ? normalizeVector(vector) : undefined))
    if (want <= 0 || queries.every((query) => query === undefined)) return vectors.map(() => [])
    await this.#catchUp(scope)
    const visibility = fromScopeColumns(scope)
    const exact = this.#scopes.get(scope.scope_key)
    const buckets = exact !== undefined && exact.ids.size >= BUCKETS_FROM && usesBuckets(minSimilarity) ? this.#bucketsOf(exact) : undefined
    // Visibility alone would also admit narrower scopes (the ones that add ids to these).
    const admits = (id: string) => this.#entities.get(id)!.scopeKey === scope.scope_key
    return queries.map((query) => {
      if (query === undefined) return []
      if (buckets !== undefined) return this.#bestInBuckets(buckets, query, want, minSimilarity)
      return this.#vectors
        .best(visibility, query, want, admits)
        .filter(({ similarity }) => similarity >= minSimilarity)
        .map(({ key, similarity }) => ({ entity: this.#entities.get(key)!.record, similarity }))
    })
  }

  /** The entities of exactly `scope` with these keys, by key. */
  async byKey(keys: readonly string[], scope: ExactScope): Promise<EntityRecord[]> {
    if (keys.length === 0) return []
    await this.#catchUp(scope)
    const mirrored = this.#scopes.get(scope.scope_key)
    if (mirrored === undefined) return []
    const ids = new Set(keys.flatMap((key) => mirrored.byKey.get(key) ?? []))
    return [...ids].map((id) => this.#entities.get(id)!.record).sort((a, b) => compareStrings(a.key, b.key))
  }

  /**
   * The entities visible to the query's scope that it links to, by name or by embedding
   * (entity-links.ts), as the SQLite store links them. A vector without a cosine (zero or not
   * finite) scores 0 with every entity, as the SQLite store's dot product gives it.
   *
   * @throws EngramError INVALID_CONFIG when the vector's dimension differs from the stored
   *   embeddings' of a visible scope.
   */
  async link(query: LinkQuery): Promise<LinkedRecord[]> {
    if (query.limit <= 0) return []
    await this.#catchUp({ scope_key: null, ...toScopeColumns(query.scope) })
    const vector = isSearchable(query.vector) ? normalizeVector(query.vector) : new Float32Array(query.vector.length)
    const links: EntityLink[] = linkByNameOrVector(this.#vectors, (id) => this.#entities.get(id)!.matchText, { ...query, vector })
    return links.map(({ id, similarity, keyword }) => ({ entity: this.#entities.get(id)!.record, similarity, keyword }))
  }

  /** The scope's hash index, built on first use. */
  #bucketsOf(scope: MirroredScope): ScopeBuckets {
    if (scope.buckets === undefined) {
      const [first] = scope.ids
      const dimension = this.#vectors.get(first!)!.length
      let planes = this.#planes.get(dimension)
      if (planes === undefined) {
        planes = splitPlanes(generatePlanes(dimension), dimension)
        this.#planes.set(dimension, planes)
      }
      const scopeKey = this.#entities.get(first!)!.scopeKey
      scope.buckets = { hashing: new EntityBuckets(planes, scopeKey), dimension, members: new Map(), of: new Map() }
      for (const id of scope.ids) addToBuckets(scope.buckets, id, this.#vectors.get(id)!)
    }
    return scope.buckets
  }

  /** The best `want` at or above the threshold among the entities sharing a probed bucket with the query; ties by id. */
  #bestInBuckets(buckets: ScopeBuckets, query: Vector, want: number, minSimilarity: number): SimilarEntity[] {
    if (query.length !== buckets.dimension) throw dimensionMismatch(buckets.dimension, query.length)
    const candidates = new Set<string>()
    for (const key of buckets.hashing.probes(query)) for (const id of buckets.members.get(key) ?? []) candidates.add(id)
    return [...candidates]
      .map((id) => ({ id, similarity: dot(this.#vectors.get(id)!, query) }))
      .filter(({ similarity }) => similarity >= minSimilarity)
      .sort((a, b) => b.similarity - a.similarity || compareStrings(a.id, b.id))
      .slice(0, want)
      .map(({ id, similarity }) => ({ entity: this.#entities.get(id)!.record, similarity }))
  }

  /**
   * Brings the scopes `filter` admits up to date (#readChanges). Calls made in the same
   * synchronous turn with the same filter (entity resolution asks by key and by similarity at
   * once) share one read: it cannot have left the process before they began, so the server
   * still answers it with every write committed before each of them began.
   */
  #catchUp(filter: EntityFilter): Promise<void> {
    const key = JSON.stringify([filter.scope_key, filter.user_id, filter.agent_id, filter.run_id])
    const joined = this.#joinable.get(key)
    if (joined !== undefined) return joined
    const reading = this.#readChanges(filter)
    this.#joinable.set(key, reading)
    queueMicrotask(() => {
      if (this.#joinable.get(key) === reading) this.#joinable.delete(key)
    })
    return reading
  }

  /**
   * Reads what changed in the scopes `filter` admits since the generations held here, and applies
   * it. Again when a concurrent search changed a scope in between (evicted it, or reloaded it at
   * another epoch) so that a delta no longer fits: rare, and the second round reads it whole.
   */
  async #readChanges(filter: EntityFilter): Promise<void> {
    const visibility = fromScopeColumns(filter)
    for (;;) {
      const held = [...this.#scopes].filter(([key, scope]) => (filter.scope_key === null ? isVisible(scope.columns, visibility) : key === filter.scope_key))
      const known = Object.fromEntries(held.map(([key, { epoch, value }]) => [key, { epoch, value }]))
      // One statement in an auto-commit transaction: one round trip where a managed one takes two.
      const rows = await this.#connection.readRows<ChangeRow>('read/entity-changes', { ...filter, known }, { scope: this.#connection.scopeSlot(visibility) })
      const current = new Set(rows.map((row) => row.scope_key))
      // Held, admitted, and without a generation node any more: the scope was deleted.
      for (const [key] of held) if (!current.has(key)) this.#forget(key)
      const fitted = rows.map((row) => this.#apply(row)).every(Boolean)
      this.#evict(current)
      if (fitted) return
    }
  }

  /** Applies one scope's changes; false when they were read against a state no longer held. */
  #apply(row: ChangeRow): boolean {
    let scope = this.#scopes.get(row.scope_key)
    const current = scope !== undefined && scope.epoch === row.epoch && scope.value >= row.value
    if (!current) {
      if (row.full) {
        this.#forget(row.scope_key)
        scope = { columns: columnsOfScopeKey(row.scope_key), epoch: row.epoch, value: row.value, ids: new Set(), byKey: new Map(), floats: 0 }
      } else if (scope === undefined || scope.epoch !== row.epoch) {
        return false
      }
      for (const { embedding, ...entity } of row.entities) this.#set(row.scope_key, scope, entity, embedding)
      scope.value = row.value
    }
    // Re-inserted: the map's order is the order of use.
    this.#scopes.delete(row.scope_key)
    this.#scopes.set(row.scope_key, scope!)
    return true
  }

  #set(scopeKey: string, scope: MirroredScope, entity: EntityRecord, embedding: number[]): void {
    const previous = this.#entities.get(entity.id)?.scopeKey
    if (previous !== undefined && previous !== scopeKey) this.#forgetEntity(entity.id)
    const before = this.#vectors.get(entity.id)?.length ?? 0
    const vector = normalizeVector(embedding)
    this.#vectors.set(entity.id, entity, vector)
    if (scope.buckets !== undefined) {
      removeFromBuckets(scope.buckets, entity.id)
      addToBuckets(scope.buckets, entity.id, vector)
    }
    this.#entities.set(entity.id, { record: entity, scopeKey, matchText: entityMatchText(entity.name) })
    scope.ids.add(entity.id)
    scope.byKey.set(entity.key, entity.id)
    scope.floats += embedding.length - before
    this.#floats += embedding.length - before
  }

  #forgetEntity(id: string): void {
    const entity = this.#entities.get(id)
    const scope = entity === undefined ? undefined : this.#scopes.get(entity.scopeKey)
    const floats = this.#vectors.get(id)?.length ?? 0
    this.#vectors.delete(id)
    this.#entities.delete(id)
    this.#floats -= floats
    if (scope !== undefined) {
      if (scope.buckets !== undefined) removeFromBuckets(scope.buckets, id)
      scope.ids.delete(id)
      if (scope.byKey.get(entity!.record.key) === id) scope.byKey.delete(entity!.record.key)
      scope.floats -= floats
    }
  }

  #forget(scopeKey: string): void {
    const scope = this.#scopes.get(scopeKey)
    if (scope === undefined) return
    for (const id of [...scope.ids]) this.#forgetEntity(id)
    this.#scopes.delete(scopeKey)
  }

  /** Drops the least recently searched scopes over the bound, never those of the search under way. */
  #evict(inUse: ReadonlySet<string>): void {
    for (const key of this.#scopes.keys()) {
      if (this.#floats <= this.#maxFloats) return
      if (!inUse.has(key)) this.#forget(key)
    }
  }
}

function addToBuckets(buckets: ScopeBuckets, id: string, vector: Vector): void {
  // A vector of another dimension cannot be hashed with these planes; a query then fails on the scan's check.
  if (vector.length !== buckets.dimension) return
  const keys = buckets.hashing.stored(vector)
  buckets.of.set(id, keys)
  for (const key of keys) {
    let members = buckets.members.get(key)
    if (members === undefined) {
      members = new Set()
      buckets.members.set(key, members)
    }
    members.add(id)
  }
}

function removeFromBuckets(buckets: ScopeBuckets, id: string): void {
  for (const key of buckets.of.get(id) ?? []) {
    const members = buckets.members.get(key)!
    members.delete(id)
    if (members.size === 0) buckets.members.delete(key)
  }
  buckets.of.delete(id)
}

/** A zero or non-finite vector has no cosine: it matches nothing, as the SQLite store's dot product gives it 0 with everything. */
export function isSearchable(vector: Vector): boolean {
  let norm = 0
  for (const value of vector) norm += value * value
  return Number.isFinite(norm) && norm > 0
}
