import { EngramError } from '../errors.js'
import type { Scope } from '../input.js'

/** A scope as the stores keep it (SQLite columns, Neo4j properties): one nullable value per id. */
export interface ScopeColumns {
  user_id: string | null
  agent_id: string | null
  run_id: string | null
}

/** Scope → column values; an absent id is stored as NULL. */
export function toScopeColumns(scope: Scope): ScopeColumns {
  return { user_id: scope.userId ?? null, agent_id: scope.agentId ?? null, run_id: scope.runId ?? null }
}

/** Column values → scope, leaving out the ids that are NULL rather than setting them to `undefined`. */
export function fromScopeColumns(row: ScopeColumns): Scope {
  return {
    ...(row.user_id === null ? {} : { userId: row.user_id }),
    ...(row.agent_id === null ? {} : { agentId: row.agent_id }),
    ...(row.run_id === null ? {} : { runId: row.run_id }),
  }
}

/**
 * Refuses a scope without any id before a delete by visibility, which would match every row.
 *
 * @throws EngramError INVALID_INPUT for an empty scope.
 */
export function requireScopeForDelete(scope: Scope): void {
  if (scope.userId === undefined && scope.agentId === undefined && scope.runId === undefined) {
    throw new EngramError('INVALID_INPUT', 'deleteScope needs at least one of userId, agentId or runId; use reset() to delete everything')
  }
}
