import neo4j from 'neo4j-driver'
import type { Scope } from '../../input.js'
import type {
  EmbeddingModelState,
  EntityMatch,
  GraphChanges,
  GraphEvent,
  GraphRestore,
  GraphStore,
  LinkedEntity,
  StoredEntity,
  StoredRelation,
  TraversalPath,
  TraversalQuery,
  Vector,
} from '../../ports.js'
import { requireScopeForDelete } from '../scope-columns.js'
import { toScopeColumns } from '../scope-columns.js'
import { applyChanges } from './apply-changes.js'
import { EmbeddingDimension } from './embedding-dimension.js'
import { EntityMirror } from './entity-mirror.js'
import { isoTime, requireHops, requireRelationshipType } from '../graph-input.js'
import { confineCypher } from './cypher-confinement/confine-cypher.js'
import { restoreGraph } from './restore-graph.js'
import { type CypherRunner, Neo4jConnection } from './neo4j-connection.js'
import { type EntityRecord, recordedEvents, scopeValues, toStoredEntity } from '../graph-records.js'
import { toStoredRelation } from './neo4j-records.js'
import type { RelationRecord } from './neo4j-records.js'

/** Where the Neo4j graph store connects (SPEC §2 `graphStore: { provider: "neo4j", config }`). */
export interface Neo4jGraphStoreOptions {
  /** Bolt URL, e.g. `bolt://127.0.0.1:7687` (`neo4j://` for a cluster). */
  url: string
  /** Default `neo4j`. */
  username?: string
  /** Default empty, for a server without authentication. */
  password?: string
  /** Default: the server's default database (Community Edition has only that one). */
  database?: string
}

// Run in this order by open(): constraints before the indexes, then wait until all are online.
const SCHEMA = [
  'schema/entity-key-unique',
  'schema/entity-id-unique',
  'schema/entity-generation-scope-unique',
  'schema/entity-scope-key-index',
  'schema/entity-user-id-index',
  'schema/entity-agent-id-index',
  'schema/entity-run-id-index',
  'schema/entity-scope-generation-index',
  'schema/entity-generation-user-id-index',
  'schema/entity-generation-agent-id-index',
  'schema/entity-generation-run-id-index',
  'schema/drop-entity-match-text-index',
  'schema/operation-id-unique',
] as const

/** How long open() waits for the schema's indexes to come online. */
const SCHEMA_ONLINE_SECONDS = 300

/**
 * The graph store on Neo4j 5 (SPEC §4): `__Entity__` nodes and typed relationships with validity
 * intervals and provenance, the same model and answers as the embedded SQLite store (the
 * contract suite holds both to it). Statements are the files of `cypher/`.
 *
 * Writes and entity resolution use the exact scope, as the `scope_key` property; reads use
 * visibility (a present scope id must match, an absent one does not constrain), starting from
 * the scope's entities through the scope property indexes. A relation has the exact scope of
 * its entities, so the relations a scope can see are found from its entities. Similar entities
 * and keyword links are found in process over a mirror of the scopes' entities (entity-mirror.ts).
 * Timestamps are stored as `Date.toISOString()` strings, like the SQLite store's, so that
 * comparing them as strings (validity intervals, ordering) is correct.
 */
export class Neo4jGraphStore implements GraphStore {
  readonly #connection: Neo4jConnection
  readonly #mirror: EntityMirror
  readonly #dimension: EmbeddingDimension
  /** Operation ids whose records the next apply (or close) deletes: see clearOperations. */
  readonly #clearable = new Set<string>()

  private constructor(connection: Neo4jConnection) {
    this.#connection = connection
    this.#mirror = new EntityMirror(connection)
    this.#dimension = new EmbeddingDimension(connection)
  }

  /**
   * Connects, creates the constraints and indexes that do not exist yet, and gives entities
   * written before generations existed one (write/adopt-entities). Idempotent; several stores and
   * processes may share one database.
   *
   * @throws EngramError STORE_UNAVAILABLE when the server cannot be reached, refuses the
   *   credentials or lacks the database.
   */
  static async open(options: Neo4jGraphStoreOptions): Promise<Neo4jGraphStore> {
    const connection = await Neo4jConnection.open(options)
    try {
      for (const statement of SCHEMA) await connection.autoCommit(statement)
      await connection.autoCommit('schema/await-indexes', { seconds: neo4j.int(SCHEMA_ONLINE_SECONDS) })
      await connection.write((runner) => runner.rows('write/adopt-entities'))
    } catch (error) {
      await connection.close()
      throw error
    }
    return new Neo4jGraphStore(connection)
  }

  /** Entities of exactly this scope with these keys, by key: from the scope's mirrored entities, after reading what changed since. */
  async entitiesByKey(scope: Scope, keys: string[]): Promise<StoredEntity[]> {
    const found = await this.#mirror.byKey(keys, scopeValues(scope))
    return found.map(toStoredEntity)
  }

  /**
   * For each vector, the most similar entity of exactly this scope if its similarity is at least
   * `minSimilarity`, else null: scored over the scope's mirrored entities, after reading what
   * changed since (entity-mirror.ts).
   *
   * @throws EngramError INVALID_CONFIG when the vectors' dimension differs from the stored embeddings'.
   */
  async similarEntities(scope: Scope, vectors: Vector[], minSimilarity: number): Promise<Array<EntityMatch | null>> {
    if (vectors.length === 0) return []
    // The scope's ids too: the generation node is then found through their indexes.
    const found = await this.#mirror.nearest(vectors, 1, minSimilarity, scopeValues(scope))
    return found.map(([best]) => (best === undefined ? null : { entity: toStoredEntity(best.entity), similarity: best.similarity }))
  }

  /** Valid relations of exactly this scope touching any of these entities, oldest first. */
  async validRelationsOf(scope: Scope, entityIds: string[]): Promise<StoredRelation[]> {
    if (entityIds.length === 0) return []
    const rows = await this.#connection.readRows<{ relation: RelationRecord }>('read/valid-relations-of', { scope_key: scopeValues(scope).scope_key, entity_ids: entityIds })
    return rows.map(({ relation }) => toStoredRelation(relation))
  }

  /**
   * Applies one add's changes in one write transaction, all or nothing: entities upserted by
   * (exact scope, key) in one statement, then the relation ops in order, batched (apply-changes.ts).
   * Returns what happened, in that order. Each write advances the scope's entity generation.
   *
   * @throws EngramError INVALID_INPUT for a relationship type outside SPEC §4 (before anything is
   *   written), an assert whose endpoint is neither stored nor written, or a time that is not a
   *   date; NOT_FOUND for an invalidate of a relation that is not valid in this scope (a
   *   concurrent add may have ended it); INVALID_CONFIG for embeddings of another dimension than
   *   the stored ones; STORE_UNAVAILABLE. Any of them rolls back the whole call.
   */
  async apply(changes: GraphChanges): Promise<GraphEvent[]> {
    for (const op of changes.relations) if (op.op === 'assert') requireRelationshipType(op.relationship)
    await this.#dimension.check(changes.entities)
    const { operationId } = changes
    // Taken out of the set, so that concurrent applies do not delete the same records.
    const clearing = [...this.#clearable]
    this.#clearable.clear()
    let cleared = false
    try {
      const { kept, value } = await this.#connection.writeOrUndo(async (runner) => {
        // The lookup of an earlier apply with this id goes out with the writes rather than before
        // them: it finds one only on a redo (rare), and then the writes are undone.
        const recorded = operationId === undefined ? Promise.resolve(undefined) : recordedOperation(runner, operationId)
        const deleted = clearing.length === 0 ? Promise.resolve([]) : runner.rows('delete/operations', { ids: clearing })
        const applied = settle(applyChanges(runner, changes))
        const [previous, , outcome] = await Promise.all([recorded, deleted, applied])
        if (previous !== undefined) return { keep: false, value: previous }
        if (!outcome.ok) throw outcome.error
        if (operationId !== undefined) {
          // Not awaited: the commit follows right behind it, one round trip sooner, and fails
          // (rolling everything back) if the record could not be written.
          const recording = runner.rows('write/record-operation', { id: operationId, events: JSON.stringify(outcome.value), now: changes.now })
          recording.catch(() => undefined)
        }
        return { keep: true, value: outcome.value }
      })
      cleared = kept
      return value
    } finally {
      // Undone with the writes (a failure, or a redo): the records are still there.
      if (!cleared) for (const id of clearing) this.#clearable.add(id)
    }
  }

  /** The events recorded by the apply with this operation id, or null when none committed (or they were cleared). */
  async appliedOperation(operationId: string): Promise<GraphEvent[] | null> {
    if (this.#clearable.has(operationId)) return null
    return (await this.#connection.read((runner) => recordedOperation(runner, operationId))) ?? null
  }

  /**
   * Forgets the records of these applies (their journal entries are complete). Lazily: the next
   * apply's transaction deletes them along with its writes, or close() does, which saves every
   * add a round trip of its own. A record a crash leaves behind is never read again: only an
   * unfinished journal entry's id is looked up, and these entries are finished.
   */
  async clearOperations(operationIds: string[]): Promise<void> {
    for (const id of operationIds) this.#clearable.add(id)
  }

  /**
   * Entities visible to the scope whose embedding is at least `minSimilarity` similar to `vector`
   * or whose name occurs in `text` as whole words (`text` being `matchText(query)`): keyword
   * links first, then by similarity, at most `limit`; scored over the mirrored entities of the
   * visible scopes after reading what changed since, in one pass, as the SQLite store links them.
   *
   * @throws EngramError INVALID_CONFIG when the vector's dimension differs from the stored embeddings'.
   */
  async linkEntities(query: { scope: Scope; vector: Vector; text: string; minSimilarity: number; limit: number }): Promise<LinkedEntity[]> {
    const links = await this.#mirror.link(query)
    return links.map(({ entity, similarity, keyword }) => ({ entity: toStoredEntity(entity), similarity, keyword }))
  }

  /**
   * The shortest `limit` paths of up to `hops` relations from the seeds, in one query over the
   * relations visible to the scope and valid now (or at `asOf`); shortest first, then by the
   * seed's position in `seeds`. See cypher/read/traverse.cypher for how the walk is bounded.
   *
   * @throws EngramError INVALID_INPUT for `hops` outside 1..4 or an `asOf` that is not a date.
   */
  async traverse(query: TraversalQuery): Promise<TraversalPath[]> {
    requireHops(query.hops)
    const seeds = [...new Set(query.seeds)]
    if (seeds.length === 0 || query.limit <= 0) return []
    const asOf = query.asOf === undefined ? null : isoTime(query.asOf, 'asOf')
    const [row] = await this.#connection.readRows<{ paths: Array<{ seed_id: string; relations: RelationRecord[] }> }>('read/traverse', {
      seeds,
      hops: neo4j.int(query.hops),
      limit: neo4j.int(query.limit),
      as_of: asOf,
      ...toScopeColumns(query.scope),
    })
    return (row?.paths ?? []).map((path) => ({ seedId: path.seed_id, path: path.relations.map(toStoredRelation) }))
  }

  /** Relations visible to the scope, newest first (one add's relations in reverse order of writing). */
  async relations(query: { scope: Scope; validOnly: boolean; limit: number }): Promise<StoredRelation[]> {
    const rows = await this.#connection.read((runner) =>
      runner.rows<{ relation: RelationRecord }>(
        'read/list-relations',
        { ...toScopeColumns(query.scope), valid_only: query.validOnly, limit: neo4j.int(query.limit) },
        { scope: this.#connection.scopeSlot(query.scope) },
      ),
    )
    return rows.map(({ relation }) => toStoredRelation(relation))
  }

  /** Entities visible to the scope, by name. */
  async entities(query: { scope: Scope; limit: number }): Promise<StoredEntity[]> {
    const rows = await this.#connection.read((runner) =>
      runner.rows<{ entity: EntityRecord }>(
        'read/list-entities',
        { ...toScopeColumns(query.scope), limit: neo4j.int(query.limit) },
        { scope: this.#connection.scopeSlot(query.scope) },
      ),
    )
    return rows.map(({ entity }) => toStoredEntity(entity))
  }

  /**
   * Drops a deleted memory, of exactly `scope`, from provenance in one transaction: relations it
   * was the only provenance of are deleted, the others just lose it. Their entities stay.
   *
   * @returns the deleted relations, as they were, oldest first.
   */
  async forgetMemory(memoryId: string, scope: Scope): Promise<StoredRelation[]> {
    const rows = await this.#connection.write((runner) =>
      runner.rows<{ relation: RelationRecord }>('write/forget-memory', { memory_id: memoryId, scope_key: scopeValues(scope).scope_key }),
    )
    return rows.map(({ relation }) => toStoredRelation(relation))
  }

  /**
   * Deletes every entity the scope can see (the matching of reads) and so every relation it can
   * see, in one transaction.
   *
   * @throws EngramError INVALID_INPUT for an empty scope, which would otherwise delete everything.
   */
  async deleteScope(scope: Scope): Promise<void> {
    requireScopeForDelete(scope)
    const slots = { scope: this.#connection.scopeSlot(scope) }
    await this.#connection.write(async (runner) => {
      await runner.rows('delete/scope', { ...toScopeColumns(scope) }, slots)
      await runner.rows('delete/entity-generations', { ...toScopeColumns(scope) }, slots)
    })
  }

  /**
   * Deletes every entity and relation of every scope, in batches (not one transaction: a failure
   * halfway leaves fewer entities, and calling reset again finishes). Other labels are left alone.
   */
  async reset(): Promise<void> {
    await this.#connection.autoCommit('delete/all')
    await this.#connection.write(async (runner) => {
      await runner.rows('delete/entity-generations', {}, { scope: '' })
      await runner.rows('delete/operations', { ids: null })
    })
    this.#clearable.clear()
    this.#dimension.forget()
  }

  /** The embedding model tag (see {@link EmbeddingModelState}); `reset` keeps it. */
  async embeddingModel(): Promise<EmbeddingModelState> {
    const [[tag], [stored]] = await Promise.all([
      this.#connection.readRows<{ model: string | null; reembed_to: string | null }>('read/embedding-model'),
      this.#connection.readRows<{ dimensions: number }>('read/entity-embedding-dimension'),
    ])
    return { model: tag?.model ?? null, reembedTo: tag?.reembed_to ?? null, dimension: stored?.dimensions ?? null }
  }

  /** Records the embedding model tag, in one transaction. */
  async tagEmbeddingModel(state: Pick<EmbeddingModelState, 'model' | 'reembedTo'>): Promise<void> {
    await this.#connection.write((runner) => runner.rows('write/tag-embedding-model', { model: state.model, reembed_to: state.reembedTo }))
  }

  /**
   * Read-only Cypher for `memory.graph.cypher()`: a read transaction, so Neo4j refuses writes;
   * with a scope, first rewritten to see that scope only (cypher-confinement/confine-cypher.ts).
   */
  async readCypher(query: string, params: Record<string, unknown>, scope?: Scope): Promise<Array<Record<string, unknown>>> {
    if (scope === undefined) return this.#connection.readOnly(query, params)
    const confined = await confineCypher(query, params, scope)
    return this.#connection.readOnly(confined.query, confined.params)
  }

  /** Deletes the operation records cleared since the last apply, then closes the driver and its connections. */
  async close(): Promise<void> {
    try {
      // One attempt (no managed retries): closing does not wait for a server that is gone.
      if (this.#clearable.size > 0) await this.#connection.autoCommit('delete/operations', { ids: [...this.#clearable] })
    } catch {
      // Unreachable server: the records stay, harmless (see clearOperations), and closing goes on.
    } finally {
      await this.#connection.close()
    }
  }

  /**
   * Writes entities, then relations, exactly as given, replacing those with the same id, in one
   * write transaction (restore-graph.ts); the scopes it touched get a new entity generation epoch.
   *
   * @throws EngramError INVALID_INPUT for a relationship type outside SPEC §4 (before anything is
   *   written) or a relation whose endpoint is neither stored nor restored; INVALID_CONFIG for
   *   embeddings of another dimension than the stored ones; STORE_UNAVAILABLE.
   */
  async restore(graph: GraphRestore): Promise<void> {
    for (const relation of graph.relations) requireRelationshipType(relation.relationship)
    await this.#dimension.check(graph.entities)
    await this.#connection.write((runner) => restoreGraph(runner, graph))
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

/** A promise that never rejects, so that a failed write does not hide the lookup sent with it. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  )
}

async function recordedOperation(runner: CypherRunner, operationId: string): Promise<GraphEvent[] | undefined> {
  const [row] = await runner.rows<{ events: string }>('read/applied-operation', { id: operationId })
  return row === undefined ? undefined : recordedEvents(row.events)
}
