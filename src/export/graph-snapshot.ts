import type { Scope } from '../input.js'
import type { StoredEntity, StoredRelation } from '../ports.js'

/** A scope's whole graph, invalidated relations included: what every export format writes out. */
export interface GraphSnapshot {
  scope: Scope
  entities: StoredEntity[]
  relations: StoredRelation[]
}

/** A relation with its ends as entity ids: how the JSON export and the transfer format write it. */
export function flatRelation(relation: StoredRelation) {
  return {
    id: relation.id,
    source: relation.source.id,
    relationship: relation.relationship,
    destination: relation.destination.id,
    validFrom: relation.validFrom,
    validTo: relation.validTo,
    mentions: relation.mentions,
    memoryIds: relation.memoryIds,
    createdAt: relation.createdAt,
    updatedAt: relation.updatedAt,
  }
}
