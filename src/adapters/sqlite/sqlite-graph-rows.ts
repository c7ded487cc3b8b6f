import type { Scope } from '../../input.js'
import { matchText } from '../../normalize.js'
import type { EntityWrite, StoredEntity, StoredRelation } from '../../ports.js'
import { fromScopeColumns, toScopeColumns } from './scope-columns.js'
import type { ScopeColumns } from './scope-columns.js'
import { encodeVector } from './vector-blob.js'

/*
 * Rows of the embedded graph store (sql/graph/migrations/001-create-graph.sql) and their mapping
 * to the records of the GraphStore port.
 */

/** An entity as the statements return it (every column but the embedding and match text). */
export interface EntityRow extends ScopeColumns {
  id: string
  key: string
  name: string
  type: string
  mentions: number
  created_at: string
  updated_at: string
}

/** A row of the `relation_records` view. */
export interface RelationRow extends ScopeColumns {
  id: string
  type: string
  valid_from: string
  valid_to: string | null
  mentions: number
  created_at: string
  updated_at: string
  source_id: string
  source_name: string
  source_type: string
  target_id: string
  target_name: string
  target_type: string
  /** JSON array of memory ids, sorted. */
  memory_ids: string
}

/**
 * The exact scope as one comparable value: `{userId:"a"}` and `{userId:"a", agentId:"x"}` get
 * different keys, so writes and resolution never cross between them (absent ids match only absent ids).
 */
export function scopeKey(scope: Scope): string {
  return JSON.stringify([scope.userId ?? null, scope.agentId ?? null, scope.runId ?? null])
}

/** The scope columns of a written row: visibility columns plus the exact scope. */
export type ScopeValues = ScopeColumns & { scope_key: string }

export function scopeValues(scope: Scope): ScopeValues {
  return { ...toScopeColumns(scope), scope_key: scopeKey(scope) }
}

/** Parameters of `graph/upsert-entity` (besides the scope values and :now). */
export function entityValues(entity: EntityWrite, id: string) {
  const match = matchText(entity.name)
  return {
    id,
    key: entity.key,
    name: entity.name,
    type: entity.type,
    // A name without letters or digits pads to blanks, which would "occur" in any query.
    match_text: match.trim() === '' ? null : match,
    embedding: encodeVector(entity.vector),
  }
}

export function toStoredEntity(row: EntityRow): StoredEntity {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    type: row.type,
    scope: fromScopeColumns(row),
    mentions: row.mentions,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export function toStoredRelation(row: RelationRow): StoredRelation {
  return {
    id: row.id,
    source: { id: row.source_id, name: row.source_name, type: row.source_type },
    relationship: row.type,
    destination: { id: row.target_id, name: row.target_name, type: row.target_type },
    validFrom: row.valid_from,
    validTo: row.valid_to,
    mentions: row.mentions,
    memoryIds: JSON.parse(row.memory_ids) as string[],
    scope: fromScopeColumns(row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
