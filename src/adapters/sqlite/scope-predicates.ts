import type { Scope } from '../../input.js'
import type { ScopeClause } from './scope-clause.js'
import type { SqliteConnection } from './sqlite-connection.js'

// The fragment file for each scope id, below a folder of `sql/` that holds one per id over one
// table alias (`vector/where` over `memories AS m`, `graph/where/relations` over `relations AS r`).
const SCOPE_FIELDS = [
  ['userId', 'user-id'],
  ['agentId', 'agent-id'],
  ['runId', 'run-id'],
] as const

/**
 * The visibility predicates of a scope (ports.ts ScopeFilter): one `AND <alias>.<column> = ?` per
 * id the scope carries, read from `sql/<folder>/`; an absent id does not constrain, or, with
 * `exact`, must be NULL (`sql/<folder>/no-<file>`). Emitting plain equalities rather than
 * `(? IS NULL OR … = ?)` lets SQLite use the index on each scope column.
 */
export function scopePredicates(connection: SqliteConnection, scope: Scope, folder: string, exact = false): ScopeClause {
  const fragments: string[] = []
  const params: unknown[] = []
  for (const [field, file] of SCOPE_FIELDS) {
    const id = scope[field]
    if (id === undefined) {
      if (exact) fragments.push(connection.text(`${folder}/no-${file}`))
      continue
    }
    fragments.push(connection.text(`${folder}/${file}`))
    params.push(id)
  }
  return { sql: fragments.join('\n'), params }
}
