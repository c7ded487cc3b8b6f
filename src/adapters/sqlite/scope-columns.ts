import type { Scope } from '../../input.js'

/** A scope as the SQLite tables store it: one nullable column per id. */
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
