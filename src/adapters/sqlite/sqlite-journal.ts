import type { Journal, JournalEntry, JournalState } from '../../ports.js'
import { Statements } from '../../statements.js'
import { SqliteConnection } from './sqlite-connection.js'

interface EntryRow {
  id: string
  state: JournalState
  owner_pid: number
  plan: string
  progress: string
  created_at: string
}

/** The operation journal in SQLite (`sql/journal/`). Its own file by default: see config `journal.path`. */
export class SqliteJournal implements Journal {
  readonly #db: SqliteConnection

  private constructor(db: SqliteConnection) {
    this.#db = db
  }

  /**
   * Opens (or creates) the journal at `path`; `:memory:` keeps it in memory (no crash recovery).
   *
   * @throws EngramError STORE_UNAVAILABLE when the file cannot be created or opened.
   */
  static async open(options: { path: string }): Promise<SqliteJournal> {
    return new SqliteJournal(SqliteConnection.open({ path: options.path, store: 'journal', label: 'SQLite journal', statements: Statements.load('sql') }))
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
      (this.#db.statement('journal/select-unfinished').all() as EntryRow[]).map((row) => ({
        id: row.id,
        state: row.state,
        ownerPid: row.owner_pid,
        plan: row.plan,
        progress: row.progress,
        createdAt: row.created_at,
      })),
    )
  }

  async close(): Promise<void> {
    this.#db.close()
  }
}
