import type { Scope } from '../../input.js'
import type { ContextMessage, ContextRetention, ContextStore, ConversationContext } from '../../ports.js'
import { type ScopeColumns, toScopeColumns } from '../scope-columns.js'
import type { SqliteConnection } from './sqlite-connection.js'
import { eraseBoundScope, openBound } from './bound-connection.js'

interface ScopeRow {
  id: number
  summary: string | null
  adds: number
  summarized_adds: number
}

interface MessageRow {
  add_number: number
  role: ContextMessage['role']
  content: string
  name: string | null
  created_at: string
}

/**
 * The conversation context in SQLite: per exact scope, a rolling summary and the last messages
 * of its adds, bound to the stores they were written for (another instance sharing the file
 * never sees them). The statements are in `sql/context/`.
 */
export class SqliteContextStore implements ContextStore {
  readonly #db: SqliteConnection
  readonly #stores: string

  private constructor(db: SqliteConnection, stores: string) {
    this.#db = db
    this.#stores = stores
  }

  /**
   * Opens (or creates) the store at `path` for the stores at `stores` (their locations);
   * `:memory:` keeps it in memory. Parent folders are created. The file may be shared with other
   * Engram stores.
   *
   * @throws EngramError STORE_UNAVAILABLE when the file cannot be created or opened.
   */
  static async open(options: { path: string; stores: readonly string[] }): Promise<SqliteContextStore> {
    const { db, stores } = await openBound({ ...options, store: 'context', label: 'SQLite context store' })
    return new SqliteContextStore(db, stores)
  }

  async read(scope: Scope): Promise<ConversationContext> {
    return this.#db.run(() => {
      const row = this.#db.statement('context/select-scope').get(this.#scopeKey(scope)) as ScopeRow | undefined
      if (row === undefined) return { messages: [], messagesSinceSummary: 0, summary: null, addsSinceSummary: 0 }
      const rows = this.#db.statement('context/select-messages').all({ scope_id: row.id }) as MessageRow[]
      return {
        messages: rows.map(toMessage),
        messagesSinceSummary: rows.filter((message) => message.add_number > row.summarized_adds).length,
        summary: row.summary,
        addsSinceSummary: row.adds - row.summarized_adds,
      }
    })
  }

  async append(scope: Scope, messages: ContextMessage[], keep: ContextRetention): Promise<void> {
    await this.#db.run(() => {
      const columns = this.#scopeKey(scope)
      // The write transaction (BEGIN IMMEDIATE) makes select-then-insert safe against another writer.
      const row = (this.#db.statement('context/select-scope').get(columns) ?? this.#db.statement('context/insert-scope').get(columns)) as ScopeRow
      const counted = this.#db.statement('context/count-add').get({ id: row.id }) as Pick<ScopeRow, 'adds' | 'summarized_adds'>
      const insert = this.#db.statement('context/insert-message')
      for (const message of messages) {
        insert.run({
          scope_id: row.id,
          add_number: counted.adds,
          role: message.role,
          content: message.content,
          name: message.name ?? null,
          created_at: message.createdAt,
        })
      }
      this.#db.statement('context/prune-messages').run({
        scope_id: row.id,
        latest: keep.latest,
        unsummarized: keep.unsummarized,
        summarized_adds: counted.summarized_adds,
      })
    }, 'write')
  }

  async setSummary(scope: Scope, summary: string, covered: number): Promise<void> {
    await this.#db.run(() => this.#db.statement('context/set-summary').run({ ...this.#scopeKey(scope), summary, covered }), 'write')
  }

  /**
   * Erases the context of every scope this one can see, then truncates the write-ahead log so the
   * erased messages, and those pruned earlier, do not linger in the `-wal` file (best effort, as
   * in the vector store).
   *
   * @throws EngramError INVALID_INPUT for an empty scope, which would match every scope.
   */
  async deleteScope(scope: Scope): Promise<void> {
    await eraseBoundScope({ db: this.#db, stores: this.#stores }, 'context/delete-scope', 'context/where', scope)
  }

  async reset(): Promise<void> {
    await this.#db.run(() => this.#db.statement('context/delete-all').run({ stores: this.#stores }), 'write')
  }

  /** The row key of exactly this scope of these stores. */
  #scopeKey(scope: Scope): ScopeColumns & { stores: string } {
    return { stores: this.#stores, ...toScopeColumns(scope) }
  }

  /** Closes the database file. */
  async close(): Promise<void> {
    this.#db.close()
  }
}

function toMessage(row: MessageRow): ContextMessage {
  return {
    role: row.role,
    content: row.content,
    ...(row.name === null ? {} : { name: row.name }),
    createdAt: row.created_at,
  }
}
