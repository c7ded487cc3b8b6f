import type { ScopeFilter } from '../../ports.js'
import type { SqliteConnection } from './sqlite-connection.js'
import { scopePredicates } from './scope-predicates.js'

/** The scope and metadata predicates of one read: SQL text from `sql/…/where/` and its parameters, in order. */
export interface ScopeClause {
  /** Fills the `{{scope}}` slot of a statement; empty when nothing constrains. */
  readonly sql: string
  readonly params: readonly unknown[]
}

/**
 * Builds the WHERE predicates over `memories AS m` shared by every read and by `deleteScope`, so
 * that nearest, search, list and delete can never disagree about what a scope sees: the scope's
 * ids (scope-predicates.ts), one `vector/where/metadata-equals` per filter key, then the lifecycle
 * filters the read gives (memory type, not expired at `activeAt`, updated since `updatedSince`).
 */
export function scopeClause(connection: SqliteConnection, filter: ScopeFilter): ScopeClause {
  const scope = scopePredicates(connection, filter.scope, 'vector/where', filter.exactScope === true)
  const fragments = scope.sql === '' ? [] : [scope.sql]
  const params = [...scope.params]
  for (const [key, value] of Object.entries(filter.filters ?? {})) {
    const path = jsonPath(key)
    const json = JSON.stringify(value)
    fragments.push(connection.text('vector/where/metadata-equals'))
    params.push(path, json, path, json)
  }
  const lifecycle = [
    ['memory-type', filter.memoryType],
    ['active-at', filter.activeAt],
    ['updated-since', filter.updatedSince],
  ] as const
  for (const [file, value] of lifecycle) {
    if (value === undefined) continue
    fragments.push(connection.text(`vector/where/${file}`))
    params.push(value)
  }
  return { sql: fragments.join('\n'), params }
}

/** `$."key"` with `"` and `\` escaped, so any key addresses exactly one member (dots included). */
function jsonPath(key: string): string {
  return `$."${key.replace(/["\\]/g, '\\$&')}"`
}
