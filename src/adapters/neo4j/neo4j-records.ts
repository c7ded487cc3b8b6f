import type { Scope } from '../../input.js'
import { matchText } from '../../normalize.js'
import type { EntityWrite, StoredEntity, StoredRelation, Vector } from '../../ports.js'
import { fromScopeColumns, toScopeColumns } from '../sqlite/scope-columns.js'
import type { ScopeColumns } from '../sqlite/scope-columns.js'
import { scopeKey } from '../sqlite/sqlite-graph-rows.js'

/*
 * The maps the statements in cypher/ return and take, and their mapping to the records of the
 * GraphStore port. The graph holds the SQLite store's model (SPEC §4) under the same property
 * names, scope columns and scope key included, so one module of scope helpers serves both.
 */

/** An `__Entity__` node as the statements project it (every property but the embedding and match text). */
export interface EntityRecord extends ScopeColumns {
  id: string
  key: string
  name: string
  type: string
  mentions: number
  created_at: string
  updated_at: string
}

/** An endpoint as relation projections carry it. */
interface EndpointRecord {
  id: string
  name: string
  type: string
}

/** A relationship as the statements project it. */
export interface RelationRecord extends ScopeColumns {
  id: string
  type: string
  valid_from: string
  valid_to: string | null
  mentions: number
  memory_ids: string[]
  created_at: string
  updated_at: string
  source: EndpointRecord
  target: EndpointRecord
}

/** The scope parameters of writes and exact-scope reads: the visibility properties plus the exact scope. */
export type ScopeParams = ScopeColumns & { scope_key: string }

export function scopeParams(scope: Scope): ScopeParams {
  return { ...toScopeColumns(scope), scope_key: scopeKey(scope) }
}

/** One row of `write/upsert-entities`' `$entities`. */
export function entityParams(entity: EntityWrite, position: number, id: string) {
  const match = matchText(entity.name)
  return {
    position,
    id,
    key: entity.key,
    name: entity.name,
    type: entity.type,
    // A name without letters or digits pads to blanks, which would "occur" in any query.
    match_text: match.trim() === '' ? null : match,
    embedding: vectorParam(entity.vector),
  }
}

/** A vector as a Cypher list of floats (the driver does not send typed arrays). */
export function vectorParam(vector: Vector): number[] {
  return Array.from(vector)
}

/**
 * Cosine similarity from a score of Neo4j's cosine vector index or `vector.similarity.cosine`,
 * which report `(1 + cosine) / 2` so as to stay in 0..1.
 */
export function similarityOf(score: number): number {
  return 2 * score - 1
}

/** The index score of a cosine similarity: the inverse of {@link similarityOf}. */
export function scoreOf(similarity: number): number {
  return (1 + similarity) / 2
}

export function toStoredEntity(record: EntityRecord): StoredEntity {
  return {
    id: record.id,
    key: record.key,
    name: record.name,
    type: record.type,
    scope: fromScopeColumns(record),
    mentions: record.mentions,
    createdAt: record.created_at,
    updatedAt: record.updated_at,
  }
}

export function toStoredRelation(record: RelationRecord): StoredRelation {
  return {
    id: record.id,
    source: { ...record.source },
    relationship: record.type,
    destination: { ...record.target },
    validFrom: record.valid_from,
    validTo: record.valid_to,
    mentions: record.mentions,
    // Stored in the order they arrived; the port's order (the SQLite store's) is sorted.
    memoryIds: [...record.memory_ids].sort(),
    scope: fromScopeColumns(record),
    createdAt: record.created_at,
    updatedAt: record.updated_at,
  }
}
