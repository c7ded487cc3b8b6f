import type { EntityRef, Vector } from '../../ports.js'
import { type EntityLink, type LinkQuery, linkByNameOrVector } from '../entity-links.js'
import type { ScopeColumns } from '../scope-columns.js'
import { ScopedVectors } from '../scoped-vectors.js'
import { dimensionMismatch, dot } from '../vector-math.js'
import { BucketTable } from './bucket-table.js'

/** What a connection keeps in memory of one entity: what linking and walks read, never mentions or times. */
export interface CachedEntity extends EntityRef {
  /** matchText of the name (graph-records.ts entityMatchText); null never matches. */
  readonly matchText: string | null
  readonly columns: ScopeColumns
}

/** An entity an apply upserted, as the cache keeps it; `buckets` when it was created, under its exact scope's key. */
export interface WrittenEntity {
  readonly entity: CachedEntity
  readonly vector: Vector
  readonly buckets?: { readonly scopeKey: string; readonly keys: readonly number[] }
}

/** An entity's bucket keys as stored (entities.buckets), for building a scope's bucket table. */
export interface StoredBuckets {
  readonly id: string
  readonly keys: readonly number[] | null
}

/**
 * Every entity's name, type, match text, scope and embedding, in memory, so that linking a query
 * scores Float32Arrays instead of calling a SQL function per entity row (which decodes a fresh
 * BLOB each time), and a walk names its relations' endpoints without two index lookups per
 * relation. Why: at 1,000 entities those cost ~3 ms per link and ~5 ms per 500-path walk
 * (bench/search-latency.ts). The price: 4 bytes × dimension per entity.
 *
 * It follows the `entity_generation` counter that triggers bump on every change to these fields
 * (migration 003), as VectorCache follows the memories': a read whose generation differs reloads
 * (another connection wrote); this connection's own applies are folded in place; its restores and
 * deletes simply drop the copy.
 *
 * It also keeps, per exact scope once entity resolution asked for it, that scope's hash buckets
 * (bucket-table.ts), read from `entities.buckets` and grown by this connection's applies.
 */
export class EntityCache {
  readonly #vectors = new ScopedVectors<string>()
  readonly #entities = new Map<string, CachedEntity>()
  readonly #bucketTables = new Map<string, BucketTable>()
  #generation: number | undefined

  /** Reloads everything unless the copy already reflects `generation`. Call inside the read transaction. */
  refresh(generation: number, load: () => Iterable<{ entity: CachedEntity; vector: Vector }>): void {
    if (generation === this.#generation) return
    this.#clear()
    for (const { entity, vector } of load()) this.#set(entity, vector)
    this.#generation = generation
  }

  /**
   * Folds in a committed apply that moved the generation from `before` to `after`: `written` holds
   * every entity it upserted as it now is, with the vector it was created with (an existing
   * entity keeps its stored vector). A copy that was not current at `before` is dropped instead.
   */
  commit(before: number, after: number, written: readonly WrittenEntity[]): void {
    if (before !== this.#generation) return this.drop()
    for (const { entity, vector, buckets } of written) {
      if (this.#entities.has(entity.id)) {
        this.#entities.set(entity.id, entity)
        continue
      }
      this.#set(entity, vector)
      if (buckets !== undefined) this.#bucketTables.get(buckets.scopeKey)?.add(entity.id, buckets.keys)
    }
    this.#generation = after
  }

  /** Forgets everything; the next read reloads. */
  drop(): void {
    this.#clear()
    this.#generation = undefined
  }

  /** The entity with this id. Call after `refresh`, for ids read in the same transaction. */
  entity(id: string): CachedEntity {
    const entity = this.#entities.get(id)
    if (entity === undefined) throw new Error(`entity ${id} is not in the entity cache; the cache is out of step`)
    return entity
  }

  /**
   * The bucket table of one exact scope, built from `load` (that scope's stored buckets) the first
   * time. Call after `refresh`, in the same transaction, so the table matches the cached entities.
   */
  bucketTable(scopeKey: string, load: () => readonly StoredBuckets[]): BucketTable {
    let table = this.#bucketTables.get(scopeKey)
    if (table === undefined) {
      const rows = load()
      table = new BucketTable(rows.reduce((keys, row) => keys + (row.keys?.length ?? 0), 0))
      for (const row of rows) table.add(row.id, row.keys)
      this.#bucketTables.set(scopeKey, table)
    }
    return table
  }

  /**
   * The candidate most similar to `vector`, ties by id (the order of graph/most-similar-entity),
   * or undefined when there are none.
   *
   * @throws EngramError INVALID_CONFIG when a candidate's dimension differs from the vector's.
   */
  mostSimilar(candidates: readonly string[], vector: Vector): { id: string; similarity: number } | undefined {
    let best: { id: string; similarity: number } | undefined
    for (const id of candidates) {
      const stored = this.#vectors.get(id)!
      if (stored.length !== vector.length) throw dimensionMismatch(stored.length, vector.length)
      const similarity = dot(stored, vector)
      if (best === undefined || similarity > best.similarity || (similarity === best.similarity && id < best.id)) best = { id, similarity }
    }
    return best
  }

  /** Links a query to entities by name or embedding (entity-links.ts). */
  link(query: LinkQuery): EntityLink[] {
    return linkByNameOrVector(this.#vectors, (id) => this.#entities.get(id)!.matchText, query)
  }

  #set(entity: CachedEntity, vector: Vector): void {
    this.#entities.set(entity.id, entity)
    this.#vectors.set(entity.id, entity.columns, vector)
  }

  #clear(): void {
    this.#entities.clear()
    this.#vectors.clear()
    this.#bucketTables.clear()
  }
}
