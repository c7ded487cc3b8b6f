import { randomUUID } from 'node:crypto'
import { mkdirSync, realpathSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { asStoreError, EngramError } from '../../errors.js'
import type { Statements } from '../../statements.js'
import { applyMigrations } from './sqlite-migrations.js'
import type { SqliteStoreName } from './sqlite-migrations.js'

/** The database path that keeps everything in memory and disappears on close. */
const IN_MEMORY = ':memory:'

// Long enough to ride out another process's write transaction (the CLI beside a running app),
// short enough that a stuck lock is reported instead of hanging the caller.
const BUSY_TIMEOUT_MS = 5000

// Rows carry their 1.5 KB vector, so the pages one search over 10k memories touches (scope scan,
// keyword join) add up to ~20 MB, ten times SQLite's default page cache. Mapping the file reads them
// in place instead of through read() calls: median search 36 → 27 ms in bench/search-latency.ts.
const MMAP_BYTES = 256 * 1024 * 1024

/**
 * One store's connection to its SQLite file: opens it (creating parent folders), sets the
 * pragmas, applies the store's migrations, prepares statements from `sql/` by name and turns
 * driver errors into {@link EngramError}s. Several stores may share one file: each opens its own
 * connection and WAL lets them interleave.
 */
export class SqliteConnection {
  readonly #db: Database.Database
  readonly #statements: Statements
  readonly #prepared = new Map<string, Database.Statement>()

  private constructor(
    /** Names the store in error messages, e.g. `SQLite vector store`. */
    readonly label: string,
    readonly path: string,
    /**
     * The file's real absolute path, which names the data whatever path led to it; for an
     * in-memory database, a name no other connection has (its data is its own).
     */
    readonly location: string,
    db: Database.Database,
    statements: Statements,
  ) {
    this.#db = db
    this.#statements = statements
  }

  /**
   * Opens (or creates) the database at `path` and brings `store`'s schema up to date.
   *
   * @throws EngramError STORE_UNAVAILABLE when the file cannot be created, opened or migrated.
   */
  static open(options: { path: string; store: SqliteStoreName; label: string; statements: Statements }): SqliteConnection {
    const { path, store, label, statements } = options
    let db: Database.Database | undefined
    try {
      if (path !== IN_MEMORY) createParentFolder(path, label)
      db = new Database(path)
      db.pragma('journal_mode = WAL')
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
      // WAL + NORMAL cannot corrupt the file; a power cut may lose the last commits, not older ones.
      db.pragma('synchronous = NORMAL')
      // Off by default per connection; the graph schema's ON DELETE CASCADE depends on it.
      db.pragma('foreign_keys = ON')
      db.pragma(`mmap_size = ${MMAP_BYTES}`)
      // Deleted rows are overwritten with zeros instead of left in free space, so that text a
      // user had erased (deleteAll) cannot be read back from the file. Costs some write I/O.
      db.pragma('secure_delete = ON')
      applyMigrations(db, statements, store)
      const location = path === IN_MEMORY ? `${IN_MEMORY}${randomUUID()}` : realpathSync(path)
      return new SqliteConnection(label, path, location, db, statements)
    } catch (error) {
      db?.close()
      throw translateSqliteError(label, path, error)
    }
  }

  /**
   * The prepared statement `sql/<name>.sql`, cached. `slots` fill `{{slot}}` markers that stand
   * alone on their line with text that itself came from `sql/` (see `scope-clause.ts`); values are
   * never spliced. A marker mentioned inside a comment is left alone.
   */
  statement(name: string, slots: Readonly<Record<string, string>> = {}): Database.Statement {
    const text = Object.entries(slots).reduce(
      // A replacer function, because fills contain `$'` (a JSON path), which a replacement string would expand.
      (sql, [slot, fill]) => sql.replace(new RegExp(`^[ \\t]*\\{\\{${slot}\\}\\}[ \\t]*$`, 'gm'), () => fill),
      this.#statements.get(name),
    )
    let prepared = this.#prepared.get(text)
    if (prepared === undefined) {
      prepared = this.#db.prepare(text)
      this.#prepared.set(text, prepared)
    }
    return prepared
  }

  /** The text of a statement or fragment under `sql/`. */
  text(name: string): string {
    return this.#statements.get(name)
  }

  /**
   * Registers a SQL function implemented in JavaScript. Not flagged deterministic: the one Engram
   * registers reads state outside its arguments (the vector cache), constant only per statement.
   */
  defineFunction(name: string, fn: (...args: never[]) => unknown): void {
    this.#db.function(name, fn as (...args: unknown[]) => unknown)
  }

  /**
   * Runs `work` inside one transaction and resolves with its result, or rejects with an
   * {@link EngramError} (driver errors translated). A `write` takes the write lock up front
   * (BEGIN IMMEDIATE), so a read-then-write cannot fail half-way on a lock another writer took
   * meanwhile; a `read` sees one snapshot throughout.
   */
  async run<T>(work: () => T, mode: 'read' | 'write' = 'read'): Promise<T> {
    try {
      const transaction = this.#db.transaction(work)
      return mode === 'write' ? transaction.immediate() : transaction.deferred()
    } catch (error) {
      throw translateSqliteError(this.label, this.path, error)
    }
  }

  /**
   * Copies the write-ahead log into the database file and truncates it to zero bytes, so that the
   * pages of deleted rows do not survive in the `-wal` file. Best effort: while another connection
   * reads or writes, the log cannot be truncated and stays until a later checkpoint (not an error),
   * and this call does not wait for it.
   *
   * @returns whether the log was truncated.
   */
  truncateWal(): boolean {
    const timeout = this.#db.pragma('busy_timeout', { simple: true }) as number
    try {
      this.#db.pragma('busy_timeout = 0')
      const [result] = this.#db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>
      return result?.busy === 0
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === 'SQLITE_BUSY') return false
      throw translateSqliteError(this.label, this.path, error)
    } finally {
      this.#db.pragma(`busy_timeout = ${timeout}`)
    }
  }

  /** Closes the connection; later calls reject with STORE_UNAVAILABLE. Safe to call twice. */
  close(): void {
    this.#prepared.clear()
    this.#db.close()
  }
}

function createParentFolder(path: string, label: string): void {
  const folder = dirname(path)
  try {
    mkdirSync(folder, { recursive: true })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new EngramError(
      'STORE_UNAVAILABLE',
      `${label}: cannot create the folder ${folder} (${reason}); choose a writable path in the config or set ENGRAM_DATA_DIR`,
      { cause: error },
    )
  }
}

/**
 * Turns a better-sqlite3 error into an EngramError whose message says what to do. Error codes:
 * https://www.sqlite.org/rescode.html (better-sqlite3 exposes them as `SQLITE_…` strings).
 */
function translateSqliteError(label: string, path: string, error: unknown): EngramError {
  const code = (error as { code?: unknown } | null)?.code
  if (error instanceof EngramError || typeof code !== 'string') return asStoreError(label, error)
  const fail = (message: string, retryable = false) => new EngramError('STORE_UNAVAILABLE', `${label}: ${message}`, { cause: error, retryable })
  if (code.startsWith('SQLITE_CANTOPEN'))
    return fail(`cannot open ${path}; check that the folder exists and this process may write to it, or choose another path`)
  if (code.startsWith('SQLITE_READONLY')) return fail(`${path} is read-only; give this process write permission or choose another path`)
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return fail(`${path} stayed locked by another connection for ${BUSY_TIMEOUT_MS} ms; retry, or stop the other process`, true)
  }
  if (code === 'SQLITE_FULL') return fail(`the disk holding ${path} is full; free space and retry`)
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return fail(`${path} is not a valid SQLite database (or is damaged); move it aside and Engram will create a new one`)
  }
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new EngramError('INVALID_INPUT', `${label}: ${(error as Error).message}; ids must be unique`, { cause: error })
  }
  return asStoreError(label, error)
}
