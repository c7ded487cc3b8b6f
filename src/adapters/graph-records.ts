import type { Scope } from '../input.js'
import { scopeKey } from '../memory-records.js'
import { matchText } from '../normalize.js'
import type { GraphEvent, StoredEntity } from '../ports.js'
import { fromScopeColumns, type ScopeColumns, toScopeColumns } from './scope-columns.js'

/*
 * What the graph stores share about their records: both keep the contract's model under the same
 * property names (SQLite columns, Neo4j properties), scope columns and exact-scope key included.
 */

/** An entity as the statements return it (every property but the embedding and match text). */
export interface EntityRecord extends ScopeColumns {
  id: string
  key: string
  name: string
  type: string
  mentions: number
  created_at: string
  updated_at: string
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

/** The scope values of a write or an exact-scope read: visibility columns plus the exact scope. */
export type ScopeValues = ScopeColumns & { scope_key: string }

export function scopeValues(scope: Scope): ScopeValues {
  return { ...toScopeColumns(scope), scope_key: scopeKey(scope) }
}

/** The scope columns of a scope_key: the inverse of {@link scopeValues}' key, the JSON array of the three ids. */
export function columnsOfScopeKey(key: string): ScopeColumns {
  const [userId = null, agentId = null, runId = null] = JSON.parse(key) as Array<string | null>
  return { user_id: userId, agent_id: agentId, run_id: runId }
}

/** The stored match text of an entity name; null for a name without letters or digits, which pads to blanks that would "occur" in any query. */
export function entityMatchText(name: string): string | null {
  const match = matchText(name)
  return match.trim() === '' ? null : match
}

/** The events an idempotent apply recorded (GraphChanges.operationId), as both stores keep them: JSON text. */
export function recordedEvents(json: string): GraphEvent[] {
  return JSON.parse(json) as GraphEvent[]
}
