import type { Scope } from '../input.js'
import type { StoredEntity, StoredRelation } from '../ports.js'

/** A scope's whole graph, invalidated relations included: what every export format writes out. */
export interface GraphSnapshot {
  scope: Scope
  entities: StoredEntity[]
  relations: StoredRelation[]
}
