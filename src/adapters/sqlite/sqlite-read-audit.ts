import type { Scope } from '../../input.js'
import type { ReadAuditLog, ReadRecord } from '../../ports.js'
import { fromScopeColumns, type ScopeColumns, toScopeColumns } from '../scope-columns.js'
import { scopePredicates } from './scope-predicates.js'
import type { SqliteConnection } from './sqlite-connection.js'
import { eraseBoundScope, openBound } from './bound-connection.js'

interface ReadRow extends ScopeColumns {
  operation: ReadRecord['operation']
  actor: string | null
  query: string | null
  result_ids: string
  created_at: string
}

/**
 * The read audit in SQLite (`sql/audit/`): one row per search, get or getAll, append-only except
 * for the erasure of a scope and `reset`, bound to the stores read from (another instance sharing
 * the file neither sees nor erases them). Its own file by default: see config `audit.path`.
 */
export class SqliteReadAudit implements ReadAuditLog {
  readonly #db: SqliteConnection
  readonly #stores: string

  private constructor(db: SqliteConnection, stores: string) {
    this.#db = db
    this.#stores = stores
  }

  /**
   * Opens (or creates) the audit at `path` for the stores at `stores` (their locations);
   * `:memory:` keeps it in memory. Parent folders are created.
   *
   * @throws EngramError STORE_UNAVAILABLE when the file cannot be created or opened.
   */
  static async open(options: { path: string; stores: readonly string[] }): Promise<SqliteReadAudit> {
    const { db, stores } = await openBound({ ...options, store: 'audit', label: 'SQLite read audit' })
    return new SqliteReadAudit(db, stores)
  }

  async record(entry: ReadRecord): Promise<void> {
    await this.#db.run(() => {
      this.#db.statement('audit/insert-record').run({
        stores: this.#stores,
        operation: entry.operation,
        ...toScopeColumns(entry.scope),
        actor: entry.actor ?? null,
        query: entry.query ?? null,
        result_ids: JSON.stringify(entry.resultIds),
        created_at: entry.createdAt,
      })
    }, 'write')
  }

  async read(scope: Scope, query: { since?: string; limit: number }): Promise<ReadRecord[]> {
    return this.#db.run(() => {
      const clause = scopePredicates(this.#db, scope, 'audit/where')
      const rows = this.#db
        .statement('audit/scope-records', { scope: clause.sql })
        .all(...clause.params, { stores: this.#stores, since: query.since ?? '', limit: query.limit }) as ReadRow[]
      return rows.map(toRecord)
    })
  }

  /**
   * Erases every record the scope can see, then truncates the write-ahead log so the erased
   * queries and ids do not linger in the `-wal` file (best effort, as in the vector store).
   *
   * @throws EngramError INVALID_INPUT for an empty scope, which would match every scope.
   */
  async deleteScope(scope: Scope): Promise<void> {
    await eraseBoundScope({ db: this.#db, stores: this.#stores }, 'audit/delete-scope-records', 'audit/where', scope)
  }

  async reset(): Promise<void> {
    await this.#db.run(() => this.#db.statement('audit/delete-all-records').run({ stores: this.#stores }), 'write')
  }

  async close(): Promise<void> {
    this.#db.close()
  }
}

function toRecord(row: ReadRow): ReadRecord {
  return {
    operation: row.operation,
    scope: fromScopeColumns(row),
    ...(row.actor === null ? {} : { actor: row.actor }),
    ...(row.query === null ? {} : { query: row.query }),
    resultIds: JSON.parse(row.result_ids) as string[],
    createdAt: row.created_at,
  }
}
