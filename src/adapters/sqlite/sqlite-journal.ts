import type { Scope } from '../../input.js'
import type { Journal, JournalEntry, JournalState } from '../../ports.js'
import { fromScopeColumns, type ScopeColumns, toScopeColumns } from '../scope-columns.js'
import type { SqliteConnection } from './sqlite-connection.js'
import { eraseBoundScope, openBound } from './bound-connection.js'

interface EntryRow extends ScopeColumns {
  id: string
  state: JournalState
  owner_pid: number
  plan: string
  progress: string
  created_at: string
}

/**
 * The operation journal in SQLite (`sql/journal/`). Its own file by default: see config
 * `journal.path`. Each entry is bound to the stores it was written for: another instance sharing
 * the file never sees it.
 */
export class SqliteJournal implements Journal {
  readonly #db: SqliteConnection
  readonly #stores: string

  private constructor(db: SqliteConnection, stores: string) {
    this.#db = db
    this.#stores = stores
  }

  /**
   * Opens (or creates) the journal at `path` for the stores at `stores` (their locations);
   * `:memory:` keeps it in memory (no crash recovery).
   *
   * @throws EngramError STORE_UNAVAILABLE when the file cannot be created or opened.
   */
  static async open(options: { path: string; stores: readonly string[] }): Promise<SqliteJournal> {
    const { db, stores } = await openBound({ ...options, store: 'journal', label: 'SQLite journal' })
    return new SqliteJournal(db, stores)
  }

  async begin(entry: JournalEntry): Promise<void> {
    await this.#db.run(() => {
      this.#db.statement('journal/insert-entry').run({
        id: entry.id,
        state: entry.state,
        owner_pid: entry.ownerPid,
        plan: entry.plan,
        progress: entry.progress,
        created_at: entry.createdAt,
        stores: this.#stores,
        ...toScopeColumns(entry.scope),
      })
    }, 'write')
  }

  async mark(id: string, state: JournalState, progress: string): Promise<void> {
    await this.#db.run(() => this.#db.statement('journal/mark-entry').run({ id, state, progress }), 'write')
  }

  async finish(id: string): Promise<void> {
    await this.#db.run(() => this.#db.statement('journal/delete-entry').run({ id }), 'write')
  }

  async unfinished(): Promise<JournalEntry[]> {
    return this.#db.run(() =>
      (this.#db.statement('journal/select-unfinished').all({ stores: this.#stores }) as EntryRow[]).map((row) => ({
        id: row.id,
        scope: fromScopeColumns(row),
        state: row.state,
        ownerPid: row.owner_pid,
        plan: row.plan,
        progress: row.progress,
        createdAt: row.created_at,
      })),
    )
  }

  /**
   * Erases the unfinished entries of every scope this one can see, then truncates the write-ahead
   * log, which still holds the plans of finished entries (their texts) until a checkpoint.
   *
   * @throws EngramError INVALID_INPUT for an empty scope, which would match every scope.
   */
  async deleteScope(scope: Scope): Promise<void> {
    await eraseBoundScope({ db: this.#db, stores: this.#stores }, 'journal/delete-scope', 'journal/where', scope)
  }

  async close(): Promise<void> {
    this.#db.close()
  }
}
