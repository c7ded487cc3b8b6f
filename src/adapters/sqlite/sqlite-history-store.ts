import { randomUUID } from 'node:crypto'
import type { Scope } from '../../input.js'
import type { HistoryRecord, HistoryStore, HistoryTarget, StoredHistoryRecord } from '../../ports.js'
import { Statements } from '../../statements.js'
import type { HistoryEntry } from '../../types.js'
import { fromScopeColumns, requireScopeForDelete, toScopeColumns } from '../scope-columns.js'
import type { ScopeColumns } from '../scope-columns.js'
import { scopePredicates } from './scope-predicates.js'
import { SqliteConnection } from './sqlite-connection.js'

interface HistoryRow extends ScopeColumns {
  id: string
  target: HistoryTarget
  target_id: string
  event: string
  old_value: string | null
  new_value: string | null
  actor: string | null
  role: string | null
  memory_ids: string | null
  created_at: string
}

/**
 * The audit log in SQLite: one table for the changes to memories, relations and entities,
 * append-only except for `reset` and `deleteScope` (deleting a user's data). The statements are in `sql/history/`.
 */
export class SqliteHistoryStore implements HistoryStore {
  readonly #db: SqliteConnection
  /** The database file's real path (see VectorStore.location). */
  readonly location: string

  private constructor(db: SqliteConnection) {
    this.location = db.location
    this.#db = db
  }

  /**
   * Opens (or creates) the log at `path`; `:memory:` keeps it in memory. Parent folders are
   * created. The file may be shared with other Engram stores.
   *
   * @throws EngramError STORE_UNAVAILABLE when the file cannot be created or opened.
   */
  static async open(options: { path: string }): Promise<SqliteHistoryStore> {
    return new SqliteHistoryStore(
      SqliteConnection.open({ path: options.path, store: 'history', label: 'SQLite history store', statements: Statements.load('sql') }),
    )
  }

  /** Appends the records in one transaction, each under a new uuid. */
  async append(records: HistoryRecord[]): Promise<void> {
    if (records.length === 0) return
    await this.#db.run(() => {
      const insert = this.#db.statement('history/insert-record')
      for (const record of records) insert.run(toRow(record))
    }, 'write')
  }

  /** Changes to one memory, oldest first (same timestamp: in the order appended). */
  async forMemory(memoryId: string): Promise<HistoryEntry[]> {
    return (await this.forTarget('memory', memoryId)).map(toEntry)
  }

  /**
   * Every change to one memory, relation or entity, oldest first, with the provenance
   * (`memoryIds`) that {@link HistoryEntry} leaves out.
   */
  async forTarget(target: HistoryTarget, targetId: string): Promise<StoredHistoryRecord[]> {
    return this.#db.run(() => {
      const rows = this.#db.statement('history/select-for-target').all({ target, target_id: targetId }) as HistoryRow[]
      return rows.map(toRecord)
    })
  }

  /** Empties the log. */
  async reset(): Promise<void> {
    await this.#db.run(() => this.#db.statement('history/delete-all-records').run(), 'write')
  }

  /** Closes the database file. */
  async close(): Promise<void> {
    this.#db.close()
  }

  /** Every record the scope can see (a present scope id must match, an absent one does not constrain), in the order appended. */
  async scopeRecords(scope: Scope): Promise<StoredHistoryRecord[]> {
    return this.#db.run(() => {
      const clause = scopePredicates(this.#db, scope, 'history/where')
      return (this.#db.statement('history/scope-records', { scope: clause.sql }).all(...clause.params) as HistoryRow[]).map(toRecord)
    })
  }

  /**
   * Erases every record the scope can see (the matching of {@link scopeRecords}) in one
   * transaction, then truncates the write-ahead log so the erased texts do not linger in the
   * `-wal` file (best effort: another connection busy with the file postpones it).
   *
   * @returns how many records were erased.
   * @throws EngramError INVALID_INPUT for an empty scope, which would otherwise erase everything.
   */
  async deleteScope(scope: Scope): Promise<number> {
    requireScopeForDelete(scope)
    const erased = await this.#db.run(() => {
      const clause = scopePredicates(this.#db, scope, 'history/where')
      return this.#db.statement('history/delete-scope-records', { scope: clause.sql }).run(...clause.params).changes
    }, 'write')
    this.#db.truncateWal()
    return erased
  }

  /** Appends records with their own ids, in order, in one transaction; ids already stored are skipped. */
  async restore(records: StoredHistoryRecord[]): Promise<void> {
    if (records.length === 0) return
    await this.#db.run(() => {
      const restore = this.#db.statement('history/restore-record')
      for (const record of records) restore.run({ ...toRow(record), id: record.id })
    }, 'write')
  }
}

function toRow(record: HistoryRecord): HistoryRow {
  return {
    id: randomUUID(),
    target: record.target,
    target_id: record.targetId,
    event: record.event,
    old_value: record.oldValue,
    new_value: record.newValue,
    ...toScopeColumns(record.scope),
    actor: record.actor ?? null,
    role: record.role ?? null,
    memory_ids: record.memoryIds === undefined ? null : JSON.stringify(record.memoryIds),
    created_at: record.createdAt,
  }
}

function toRecord(row: HistoryRow): StoredHistoryRecord {
  return {
    id: row.id,
    target: row.target,
    targetId: row.target_id,
    event: row.event,
    oldValue: row.old_value,
    newValue: row.new_value,
    scope: fromScopeColumns(row),
    ...(row.actor === null ? {} : { actor: row.actor }),
    ...(row.role === null ? {} : { role: row.role }),
    ...(row.memory_ids === null ? {} : { memoryIds: JSON.parse(row.memory_ids) as string[] }),
    createdAt: row.created_at,
  }
}

function toEntry(record: StoredHistoryRecord): HistoryEntry {
  return {
    id: record.id,
    memoryId: record.targetId,
    // Memory rows are written by the fact pipeline with exactly these events (ports.ts HistoryRecord).
    event: record.event as HistoryEntry['event'],
    oldMemory: record.oldValue,
    newMemory: record.newValue,
    ...record.scope,
    ...(record.actor === undefined ? {} : { actor: record.actor }),
    ...(record.role === undefined ? {} : { role: record.role }),
    createdAt: record.createdAt,
  }
}
