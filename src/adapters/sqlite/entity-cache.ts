import type { EntityRef, Vector } from '../../ports.js'
import { type EntityLink, type LinkQuery, linkByNameOrVector } from '../entity-links.js'
import type { ScopeColumns } from '../scope-columns.js'
import { ScopedVectors } from '../scoped-vectors.js'

/** What a connection keeps in memory of one entity: what linking and walks read, never mentions or times. */
export interface CachedEntity extends EntityRef {
  /** matchText of the name (graph-records.ts entityMatchText); null never matches. */
  readonly matchText: string | null
  readonly columns: ScopeColumns
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
 */
export class EntityCache {
  readonly #vectors = new ScopedVectors<string>()
  readonly #entities = new Map<string, CachedEntity>()
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
  commit(before: number, after: number, written: ReadonlyArray<{ entity: CachedEntity; vector: Vector }>): void {
    if (before !== this.#generation) return this.drop()
    for (const { entity, vector } of written) {
      if (this.#entities.has(entity.id)) this.#entities.set(entity.id, entity)
      else this.#set(entity, vector)
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
  }
}
