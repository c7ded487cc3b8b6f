import type { EntityWrite, StoredRelation } from '../../ports.js'
import { entityMatchText } from '../graph-records.js'
import { fromScopeColumns, type ScopeColumns } from '../scope-columns.js'
import { encodeVector } from './vector-blob.js'

/*
 * Rows of the embedded graph store (sql/graph/migrations/001-create-graph.sql) and their mapping
 * to the records of the GraphStore port.
 */

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

/** Parameters of `graph/upsert-entity` (besides the scope values and :now). */
export function entityValues(entity: EntityWrite, id: string) {
  return {
    id,
    key: entity.key,
    name: entity.name,
    type: entity.type,
    match_text: entityMatchText(entity.name),
    embedding: encodeVector(entity.vector),
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
