import type { EntityWrite, StoredRelation, Vector } from '../../ports.js'
import { fromScopeColumns, type ScopeColumns } from '../scope-columns.js'

/*
 * The maps the statements in cypher/ return and take, and their mapping to the records of the
 * GraphStore port. The graph holds the SQLite store's model (docs/contract.md) under the same property
 * names, scope columns and scope key included: ../graph-records.ts holds what both share.
 */

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

/** One row of `write/upsert-entities`' `$entities`. */
export function entityParams(entity: EntityWrite, position: number, id: string) {
  return {
    position,
    id,
    key: entity.key,
    name: entity.name,
    type: entity.type,
    embedding: vectorParam(entity.vector),
  }
}

/** A vector as a Cypher list of floats (the driver does not send typed arrays). */
export function vectorParam(vector: Vector): number[] {
  return Array.from(vector)
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
