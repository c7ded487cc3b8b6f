import { randomUUID } from 'node:crypto'
import { EngramError } from '../../errors.js'
import type { Scope } from '../../input.js'
import { scopeKey } from '../../memory-records.js'
import { UNTYPED_ENTITY } from '../../normalize.js'
import type {
  EmbeddingModelState,
  EntityMatch,
  GraphChanges,
  GraphEvent,
  GraphRestore,
  GraphStore,
  LinkedEntity,
  RelationOp,
  StoredEntity,
  StoredRelation,
  TraversalPath,
  TraversalQuery,
  Vector,
} from '../../ports.js'
import { Statements } from '../../statements.js'
import { blobSimilarity } from './blob-similarity.js'
import { EntityBuckets, generatePlanes, splitPlanes, usesBuckets } from '../entity-buckets.js'
import { type CachedEntity, EntityCache, type StoredBuckets, type WrittenEntity } from './entity-cache.js'
import { isoTime, requireHops, requireRelationshipType } from '../graph-input.js'
import { requireScopeForDelete, type ScopeColumns } from '../scope-columns.js'
import { scopePredicates } from './scope-predicates.js'
import { readEmbeddingModel, tagEmbeddingModel } from './embedding-model-meta.js'
import { SqliteConnection } from './sqlite-connection.js'
import { entityMatchText, type EntityRecord, recordedEvents, type ScopeValues, scopeValues, toStoredEntity } from '../graph-records.js'
import { entityValues, toStoredRelation } from './sqlite-graph-rows.js'
import type { RelationRow } from './sqlite-graph-rows.js'
import { decodeVector, encodeVector } from './vector-blob.js'

/** The scope predicates of reads over `entities AS e` and over `relations`/`relation_records AS r`. */
const ENTITY_SCOPE = 'graph/where/entities'
const RELATION_SCOPE = 'graph/where/relations'

/** ports.ts TraversalQuery: deeper walks are refused rather than allowed to explode. */

/** What one `apply` transaction needs besides the statements: its scope, time and the entities it has seen. */
interface ApplyContext {
  readonly scope: ScopeValues
  readonly now: string
  /** Entity id by key, for the endpoints of asserted relations. */
  readonly entityIds: Map<string, string>
}

/** A row of graph/select-relations: a relation without its endpoints' names and types. */
type BareRelationRow = Omit<RelationRow, 'source_name' | 'source_type' | 'target_name' | 'target_type'>

/**
 * The embedded graph store (the default, SPEC §4): entities, relations with validity intervals and
 * their provenance in SQLite, statements in `sql/graph/`. May share its file with the other stores.
 *
 * Writes and entity resolution use the exact scope, as one `scope_key` column; reads use
 * visibility (a present scope id must match, an absent one does not constrain), like the vector
 * store. Entity resolution finds its candidates through hash buckets (entity-buckets.ts) written
 * with each entity, so it reads a small share of the scope's entities, and scores them with
 * `blob_similarity` over the stored Float32 embeddings; linking a query and naming a walk's
 * endpoints read each connection's in-memory copy of the entities (entity-cache.ts), kept current
 * by a generation counter whoever writes.
 * Timestamps are stored as `Date.toISOString()` text, which is what makes comparing them as text
 * (validity intervals, ordering) correct; `apply` and `traverse` bring every time they receive to
 * that form.
 */
export class SqliteGraphStore implements GraphStore {
  readonly #db: SqliteConnection
  /** Hash planes by dimension, as stored: written once per file and never changed, so safe to keep. */
  readonly #planes = new Map<number, Vector[]>()
  readonly #entities = new EntityCache()

  private constructor(db: SqliteConnection) {
    this.#db = db
    db.defineFunction('blob_similarity', blobSimilarity)
  }

  /**
   * Opens (or creates) the store at `path`; `:memory:` keeps it in memory. Parent folders are
   * created. The file may be shared with other Engram stores.
   *
   * @throws EngramError STORE_UNAVAILABLE when the file cannot be created or opened.
   */
  static async open(options: { path: string }): Promise<SqliteGraphStore> {
    const db = SqliteConnection.open({ path: options.path, store: 'graph', label: 'SQLite graph store', statements: Statements.load('sql') })
    const store = new SqliteGraphStore(db)
    try {
      await store.#bucketUnbucketed()
    } catch (error) {
      db.close()
      throw error
    }
    return store
  }

  /** Entities of exactly this scope with these keys, by key. */
  async entitiesByKey(scope: Scope, keys: string[]): Promise<StoredEntity[]> {
    if (keys.length === 0) return []
    return this.#db.run(() => this.#entitiesByKey(scopeKey(scope), keys).map(toStoredEntity))
  }

  /**
   * For each vector, the most similar entity of exactly this scope if its similarity is at least
   * `minSimilarity`, else null. Scores only that scope's entities (through the scope_key index).
   *
   * @throws EngramError INVALID_CONFIG when the vectors' dimension differs from the stored embeddings'.
   */
  async similarEntities(scope: Scope, vectors: Vector[], minSimilarity: number): Promise<Array<EntityMatch | null>> {
    if (vectors.length === 0) return []
    return this.#db.run(() => {
      const exactScope = scopeKey(scope)
      // Thresholds too low for the buckets' recall guarantee (entity-buckets.ts) scan the scope.
      if (!usesBuckets(minSimilarity)) return vectors.map((vector) => this.#scanForSimilar(exactScope, vector, minSimilarity))
      this.#refreshEntities()
      const table = this.#entities.bucketTable(exactScope, () => this.#scopeBuckets(exactScope))
      const matches = vectors.map((vector) => {
        const best = this.#entities.mostSimilar(table.candidates(this.#buckets(exactScope, vector.length, 'read')?.probes(vector) ?? []), vector)
        return best !== undefined && best.similarity >= minSimilarity ? best : undefined
      })
      const ids = matches.flatMap((match) => (match === undefined ? [] : [match.id]))
      const rows = this.#db.statement('graph/select-entities-by-id').all({ ids: JSON.stringify(ids) }) as EntityRecord[]
      const byId = new Map(rows.map((row) => [row.id, row]))
      return matches.map((match) => (match === undefined ? null : { entity: toStoredEntity(byId.get(match.id)!), similarity: match.similarity }))
    })
  }

  /** The entity of exactly this scope most similar to `vector` by scoring every one, if at least `minSimilarity`. */
  #scanForSimilar(exactScope: string, vector: Vector, minSimilarity: number): EntityMatch | null {
    const row = this.#db.statement('graph/most-similar-entity').get({ scope_key: exactScope, vector: encodeVector(vector) }) as
      | (EntityRecord & { similarity: number })
      | undefined
    return row !== undefined && row.similarity >= minSimilarity ? { entity: toStoredEntity(row), similarity: row.similarity } : null
  }

  /** Valid relations of exactly this scope touching any of these entities, oldest first. */
  async validRelationsOf(scope: Scope, entityIds: string[]): Promise<StoredRelation[]> {
    if (entityIds.length === 0) return []
    return this.#db.run(() => {
      const rows = this.#db.statement('graph/valid-relations-of').all({ scope_key: scopeKey(scope), entity_ids: JSON.stringify(entityIds) })
      return (rows as RelationRow[]).map(toStoredRelation)
    })
  }

  /**
   * Applies one add's changes in one write transaction, all or nothing: entities upserted by
   * (exact scope, key), then the relation ops in order. Returns what happened, in that order.
   *
   * @throws EngramError INVALID_INPUT for a relationship type outside SPEC §4 (before anything is
   *   written), an assert whose endpoint is neither stored nor written, or a time that is not a
   *   date; NOT_FOUND for an invalidate of a relation that is not valid in this scope (a
   *   concurrent add may have ended it); STORE_UNAVAILABLE. Any of them rolls back the whole call.
   */
  async apply(changes: GraphChanges): Promise<GraphEvent[]> {
    for (const op of changes.relations) if (op.op === 'assert') requireRelationshipType(op.relationship)
    const written: WrittenEntity[] = []
    const { events, before, after } = await this.#db.run(() => {
      const before = this.#generation()
      const events = this.#apply(changes, written)
      return { events, before, after: this.#generation() }
    }, 'write')
    this.#entities.commit(before, after, written)
    return events
  }

  /** Inside a write transaction: apply's work; `written` receives each entity upserted, as the entity cache keeps it. */
  #apply(changes: GraphChanges, written: WrittenEntity[]): GraphEvent[] {
    const { operationId } = changes
    const recorded = operationId === undefined ? undefined : this.#recordedEvents(operationId)
    if (recorded !== undefined) return recorded
    const context: ApplyContext = { scope: scopeValues(changes.scope), now: isoTime(changes.now, 'now'), entityIds: new Map() }
    const events: GraphEvent[] = []
    const upsert = this.#db.statement('graph/upsert-entity')
    for (const entity of changes.entities) {
      const id = randomUUID()
      // A mention of a stored entity leaves its buckets as they are: only a new one is hashed.
      const isNew = this.#entitiesByKey(context.scope.scope_key, [entity.key]).length === 0
      const keys = isNew ? this.#storedBuckets(context.scope.scope_key, entity.vector) : undefined
      const buckets = keys === undefined ? null : JSON.stringify(keys)
      const row = upsert.get({ ...entityValues(entity, id), ...context.scope, buckets, now: context.now, untyped: UNTYPED_ENTITY }) as EntityRecord
      context.entityIds.set(row.key, row.id)
      const columns = { user_id: context.scope.user_id, agent_id: context.scope.agent_id, run_id: context.scope.run_id }
      const cached = { id: row.id, name: row.name, type: row.type, matchText: entityMatchText(row.name), columns }
      written.push({ entity: cached, vector: entity.vector, ...(keys === undefined ? {} : { buckets: { scopeKey: context.scope.scope_key, keys } }) })
      if (row.id === id) events.push({ event: 'ENTITY_CREATED', entity: toStoredEntity(row) })
    }
    for (const op of changes.relations) events.push(op.op === 'assert' ? this.#assert(op, context) : this.#invalidate(op, context))
    for (const memoryId of changes.forgetMemoryIds ?? []) {
      events.push(...this.#forget(memoryId).map((relation) => ({ event: 'RELATION_REMOVED' as const, relation, memoryId })))
    }
    if (operationId !== undefined) {
      this.#db.statement('graph/insert-applied-operation').run({ id: operationId, events: JSON.stringify(events), created_at: context.now })
    }
    return events
  }

  /** The events recorded by the apply with this operation id, or null when none committed. */
  async appliedOperation(operationId: string): Promise<GraphEvent[] | null> {
    return this.#db.run(() => this.#recordedEvents(operationId) ?? null)
  }

  /** Forgets the records of these applies (their journal entries are complete). */
  async clearOperations(operationIds: string[]): Promise<void> {
    if (operationIds.length === 0) return
    await this.#db.run(() => this.#db.statement('graph/delete-applied-operations').run({ ids: JSON.stringify(operationIds) }), 'write')
  }

  /**
   * Entities visible to the scope whose embedding is at least `minSimilarity` similar to `vector`
   * or whose name occurs in `text` as whole words (`text` being `matchText(query)`): keyword
   * links first, then by similarity, at most `limit`.
   *
   * @throws EngramError INVALID_CONFIG when the vector's dimension differs from the stored embeddings'.
   */
  async linkEntities(query: { scope: Scope; vector: Vector; text: string; minSimilarity: number; limit: number }): Promise<LinkedEntity[]> {
    if (query.limit <= 0) return []
    return this.#db.run(() => {
      this.#refreshEntities()
      const links = this.#entities.link(query)
      const rows = this.#db.statement('graph/select-entities-by-id').all({ ids: JSON.stringify(links.map((link) => link.id)) }) as EntityRecord[]
      const byId = new Map(rows.map((row) => [row.id, row]))
      return links.map((link) => ({ entity: toStoredEntity(byId.get(link.id)!), similarity: link.similarity, keyword: link.keyword }))
    })
  }

  /**
   * The shortest `limit` paths of up to `hops` relations from the seeds, in one recursive query
   * over the relations visible to the scope and valid now (or at `asOf`); shortest first, then by
   * the seed's position in `seeds`. See sql/graph/traverse.sql for how the walk is bounded.
   *
   * @throws EngramError INVALID_INPUT for `hops` outside 1..4 or an `asOf` that is not a date.
   */
  async traverse(query: TraversalQuery): Promise<TraversalPath[]> {
    requireHops(query.hops)
    const seeds = [...new Set(query.seeds)]
    if (seeds.length === 0 || query.limit <= 0) return []
    const asOf = query.asOf === undefined ? null : isoTime(query.asOf, 'asOf')
    return this.#db.run(() => {
      this.#refreshEntities()
      const clause = scopePredicates(this.#db, query.scope, RELATION_SCOPE)
      // The scope predicates occur twice in the statement, once per direction of the walk.
      const rows = this.#db.statement('graph/traverse', { scope: clause.sql }).all(...clause.params, ...clause.params, {
        seeds: JSON.stringify(seeds),
        hops: query.hops,
        as_of: asOf,
        walk_limit: seeds.length + query.limit,
        limit: query.limit,
      }) as Array<{ seed_id: string; path: string }>
      const walked = rows.map((row) => ({ seedId: row.seed_id, ids: JSON.parse(row.path) as string[] }))
      const relations = this.#relations(new Set(walked.flatMap((path) => path.ids)))
      // Paths share relation objects: a relation reached by many paths is read and built once.
      return walked.map(({ seedId, ids }) => ({ seedId, path: ids.map((id) => relations.get(id)!) }))
    })
  }

  /** Relations visible to the scope, newest first (one add's relations in the order written). */
  async relations(query: { scope: Scope; validOnly: boolean; limit: number }): Promise<StoredRelation[]> {
    return this.#db.run(() => {
      const clause = scopePredicates(this.#db, query.scope, RELATION_SCOPE)
      const rows = this.#db
        .statement('graph/list-relations', { scope: clause.sql })
        .all(...clause.params, { valid_only: query.validOnly ? 1 : 0, limit: query.limit })
      return (rows as RelationRow[]).map(toStoredRelation)
    })
  }

  /** Entities visible to the scope, by name. */
  async entities(query: { scope: Scope; limit: number }): Promise<StoredEntity[]> {
    return this.#db.run(() => {
      const clause = scopePredicates(this.#db, query.scope, ENTITY_SCOPE)
      const rows = this.#db.statement('graph/list-entities', { scope: clause.sql }).all(...clause.params, { limit: query.limit })
      return (rows as EntityRecord[]).map(toStoredEntity)
    })
  }

  /**
   * Drops a deleted memory from provenance in one transaction: relations it was the only
   * provenance of are deleted, the others just lose it. Their entities stay.
   *
   * @returns the deleted relations, as they were.
   */
  async forgetMemory(memoryId: string): Promise<StoredRelation[]> {
    return this.#db.run(() => this.#forget(memoryId), 'write')
  }

  /**
   * Deletes every relation and entity the scope can see (the matching of reads), in one transaction.
   *
   * @throws EngramError INVALID_INPUT for an empty scope, which would otherwise delete everything.
   */
  async deleteScope(scope: Scope): Promise<void> {
    requireScopeForDelete(scope)
    await this.#db.run(() => {
      this.#deleteVisible('graph/delete-scope-relations', RELATION_SCOPE, scope)
      this.#deleteVisible('graph/delete-scope-entities', ENTITY_SCOPE, scope)
    }, 'write')
    this.#entities.drop()
  }

  /** Deletes every entity and relation of every scope. */
  async reset(): Promise<void> {
    await this.#db.run(() => {
      this.#db.statement('graph/delete-all-entities').run()
      this.#db.statement('graph/delete-all-applied-operations').run()
    }, 'write')
    this.#entities.drop()
  }

  /** Closes the database file. */
  async close(): Promise<void> {
    this.#db.close()
  }

  /** The embedding model tag (see {@link EmbeddingModelState}); `reset` keeps it. */
  async embeddingModel(): Promise<EmbeddingModelState> {
    return readEmbeddingModel(this.#db, 'graph')
  }

  /** Records the embedding model tag, in one transaction. */
  async tagEmbeddingModel(state: Pick<EmbeddingModelState, 'model' | 'reembedTo'>): Promise<void> {
    await tagEmbeddingModel(this.#db, 'graph', state)
  }

  #deleteVisible(statement: string, scopeFolder: string, scope: Scope): void {
    const clause = scopePredicates(this.#db, scope, scopeFolder)
    this.#db.statement(statement, { scope: clause.sql }).run(...clause.params)
  }

  #entitiesByKey(exactScope: string, keys: readonly string[]): EntityRecord[] {
    return this.#db.statement('graph/select-entities-by-key').all({ scope_key: exactScope, keys: JSON.stringify(keys) }) as EntityRecord[]
  }

  /** Reinforces the valid relation with the op's endpoints and type, or starts a new one. */
  #assert(op: Extract<RelationOp, { op: 'assert' }>, context: ApplyContext): GraphEvent {
    const triple = {
      scope_key: context.scope.scope_key,
      source_id: this.#endpoint(op.sourceKey, context),
      target_id: this.#endpoint(op.destinationKey, context),
      type: op.relationship,
      now: context.now,
    }
    let id = this.#db.statement('graph/reinforce-relation').pluck().get(triple) as string | undefined
    const event = id === undefined ? 'RELATION_ADDED' : 'RELATION_REINFORCED'
    if (id === undefined) {
      id = randomUUID()
      this.#db.statement('graph/insert-relation').run({ ...triple, ...context.scope, id, valid_from: isoTime(op.validFrom, 'validFrom') })
    }
    this.#db.statement('graph/add-relation-memories').run({ relation_id: id, memory_ids: JSON.stringify(op.memoryIds) })
    return { event, relation: this.#relation(id) }
  }

  /** Inside a write transaction: forgetMemory's work, returning the relations it deleted. */
  #forget(memoryId: string): StoredRelation[] {
    const removed = (this.#db.statement('graph/sole-provenance-relations').all({ memory_id: memoryId }) as RelationRow[]).map(toStoredRelation)
    if (removed.length > 0) this.#db.statement('graph/delete-relations').run({ ids: JSON.stringify(removed.map((relation) => relation.id)) })
    this.#db.statement('graph/forget-memory').run({ memory_id: memoryId })
    return removed
  }

  #recordedEvents(operationId: string): GraphEvent[] | undefined {
    const row = this.#db.statement('graph/select-applied-operation').get({ id: operationId }) as { events: string } | undefined
    return row === undefined ? undefined : recordedEvents(row.events)
  }

  /** Ends a valid relation of this scope; anything else is a stale read by the caller and fails the apply. */
  #invalidate(op: Extract<RelationOp, { op: 'invalidate' }>, context: ApplyContext): GraphEvent {
    const ended = this.#db.statement('graph/invalidate-relation').pluck().get({
      id: op.relationId,
      scope_key: context.scope.scope_key,
      valid_to: isoTime(op.validTo, 'validTo'),
      now: context.now,
    }) as string | undefined
    if (ended === undefined) {
      throw new EngramError('NOT_FOUND', `relation ${op.relationId} is not a valid relation of this scope (unknown, or already invalidated); nothing was written`)
    }
    return { event: 'RELATION_INVALIDATED', relation: this.#relation(ended) }
  }

  /** The id of the entity with this key: written by this apply, else already stored in the exact scope. */
  #endpoint(key: string, context: ApplyContext): string {
    let id = context.entityIds.get(key)
    if (id === undefined) {
      id = this.#entitiesByKey(context.scope.scope_key, [key])[0]?.id
      if (id === undefined) throw new EngramError('INVALID_INPUT', `relation endpoint ${JSON.stringify(key)} is neither stored in this scope nor among the entities written; nothing was written`)
      context.entityIds.set(key, id)
    }
    return id
  }

  /** The relations with these ids, by id, their endpoints named from the entity cache (current: call after #refreshEntities). */
  #relations(ids: ReadonlySet<string>): Map<string, StoredRelation> {
    const rows = this.#db.statement('graph/select-relations').all({ ids: JSON.stringify([...ids]) }) as BareRelationRow[]
    return new Map(
      rows.map((row) => {
        const source = this.#entities.entity(row.source_id)
        const target = this.#entities.entity(row.target_id)
        const named = { ...row, source_name: source.name, source_type: source.type, target_name: target.name, target_type: target.type }
        return [row.id, toStoredRelation(named)]
      }),
    )
  }

  #generation(): number {
    return this.#db.statement('graph/select-entity-generation').pluck().get() as number
  }

  /** Inside a transaction: brings the entity cache up to the file's entities. */
  #refreshEntities(): void {
    this.#entities.refresh(this.#generation(), () => this.#cachedEntities())
  }

  *#cachedEntities(): Iterable<{ entity: CachedEntity; vector: Vector }> {
    const rows = this.#db.statement('graph/select-cached-entities').iterate() as Iterable<ScopeColumns & { id: string; name: string; type: string; match_text: string | null; embedding: Buffer }>
    for (const row of rows) {
      const columns = { user_id: row.user_id, agent_id: row.agent_id, run_id: row.run_id }
      yield { entity: { id: row.id, name: row.name, type: row.type, matchText: row.match_text, columns }, vector: decodeVector(row.embedding) }
    }
  }

  /** Inside a write transaction: the bucket keys to store with an entity (its dimension's planes are created if new). */
  #storedBuckets(exactScope: string, vector: Vector): number[] {
    return this.#buckets(exactScope, vector.length, 'write')!.stored(vector)
  }

  /** Every entity of exactly this scope with its stored bucket keys (null before they are filled in). */
  #scopeBuckets(exactScope: string): StoredBuckets[] {
    const rows = this.#db.statement('graph/select-scope-buckets').all({ scope_key: exactScope }) as Array<{ id: string; buckets: string | null }>
    return rows.map((row) => ({ id: row.id, keys: row.buckets === null ? null : (JSON.parse(row.buckets) as number[]) }))
  }

  /**
   * The hashing of one exact scope and dimension. A `read` finds no planes before the first entity
   * of that dimension (nothing to find then); a `write`, inside its transaction, records them.
   */
  #buckets(exactScope: string, dimension: number, mode: 'read' | 'write'): EntityBuckets | undefined {
    let planes = this.#planes.get(dimension)
    if (planes === undefined) {
      const select = this.#db.statement('graph/select-hash-planes').pluck()
      let blob = select.get({ dimension }) as Buffer | undefined
      if (blob === undefined && mode === 'write') {
        this.#db.statement('graph/insert-hash-planes').run({ dimension, planes: encodeVector(generatePlanes(dimension)) })
        blob = select.get({ dimension }) as Buffer
      }
      if (blob === undefined) return undefined
      planes = splitPlanes(decodeVector(blob), dimension)
      this.#planes.set(dimension, planes)
    }
    return new EntityBuckets(planes, exactScope)
  }

  /** Gives the entities written before the buckets existed (migration 003) theirs, in one write transaction. */
  async #bucketUnbucketed(): Promise<void> {
    // Checked in a read first, so that opening a file with nothing to do takes no write lock.
    if ((await this.#db.run(() => this.#db.statement('graph/select-unbucketed-entities').get())) === undefined) return
    await this.#db.run(() => {
      const rows = this.#db.statement('graph/select-unbucketed-entities').all() as Array<{ id: string; scope_key: string; embedding: Buffer }>
      const update = this.#db.statement('graph/set-entity-buckets')
      for (const row of rows) update.run({ id: row.id, buckets: JSON.stringify(this.#storedBuckets(row.scope_key, decodeVector(row.embedding))) })
    }, 'write')
  }

  #relation(id: string): StoredRelation {
    return toStoredRelation(this.#db.statement('graph/select-relation').get({ id }) as RelationRow)
  }

  /**
   * Writes entities, then relations, exactly as given (ids, scope, mentions, timestamps, validity,
   * provenance), replacing those with the same id, in one write transaction (the restore of an export).
   *
   * @throws EngramError INVALID_INPUT for a relationship type outside SPEC §4 (before anything is
   *   written), a relation whose endpoint is neither stored nor restored, or an entity whose scope
   *   and key another entity has. Any of them rolls back the whole call.
   */
  async restore(graph: GraphRestore): Promise<void> {
    for (const relation of graph.relations) requireRelationshipType(relation.relationship)
    await this.#db.run(() => {
      const entity = this.#db.statement('graph/restore-entity')
      for (const { vector, ...stored } of graph.entities) {
        const { mentions, createdAt, updatedAt, scope } = stored
        const values = scopeValues(scope)
        const buckets = JSON.stringify(this.#storedBuckets(values.scope_key, vector))
        entity.run({ ...entityValues({ ...stored, vector }, stored.id), ...values, buckets, mentions, created_at: createdAt, updated_at: updatedAt })
      }
      const endpoints = [...new Set(graph.relations.flatMap((stored) => [stored.source.id, stored.destination.id]))]
      if (this.#db.statement('graph/count-entities-by-id').pluck().get({ ids: JSON.stringify(endpoints) }) !== endpoints.length) {
        throw new EngramError('INVALID_INPUT', 'a relation names an endpoint that is neither stored nor restored; nothing was written')
      }
      const relation = this.#db.statement('graph/restore-relation')
      for (const stored of graph.relations) {
        relation.run({
          id: stored.id,
          source_id: stored.source.id,
          target_id: stored.destination.id,
          type: stored.relationship,
          valid_from: stored.validFrom,
          valid_to: stored.validTo,
          mentions: stored.mentions,
          ...scopeValues(stored.scope),
          created_at: stored.createdAt,
          updated_at: stored.updatedAt,
        })
        this.#db.statement('graph/clear-relation-memories').run({ relation_id: stored.id })
        this.#db.statement('graph/add-relation-memories').run({ relation_id: stored.id, memory_ids: JSON.stringify(stored.memoryIds) })
      }
    }, 'write')
    this.#entities.drop()
  }
}
