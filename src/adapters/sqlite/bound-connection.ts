import type { Scope } from '../../input.js'
import { Statements } from '../../statements.js'
import { storeBinding } from '../../store-binding.js'
import { requireScopeForDelete } from '../scope-columns.js'
import { scopePredicates } from './scope-predicates.js'
import { SqliteConnection } from './sqlite-connection.js'
import type { SqliteStoreName } from './sqlite-migrations.js'

/** A state file's connection, and the binding its rows carry. */
export interface BoundConnection {
  db: SqliteConnection
  /** The fingerprint of the instance's stores: see {@link storeBinding}. */
  stores: string
}

/**
 * Opens one of the files an instance keeps beside its stores (journal, conversation context,
 * read audit) for the stores at `stores` (their locations), and claims the rows written before
 * rows were bound to stores (`sql/<store>/claim-unbound.sql`): they belong to the first instance
 * that opens the file after the upgrade, as they did before.
 *
 * @throws EngramError STORE_UNAVAILABLE when the file cannot be created or opened.
 */
export async function openBound(options: { path: string; store: SqliteStoreName; label: string; stores: readonly string[] }): Promise<BoundConnection> {
  const db = SqliteConnection.open({ path: options.path, store: options.store, label: options.label, statements: Statements.load('sql') })
  const stores = storeBinding(options.stores, db.location)
  try {
    await db.run(() => db.statement(`${options.store}/claim-unbound`).run({ stores }), 'write')
  } catch (error) {
    db.close()
    throw error
  }
  return { db, stores }
}

/**
 * Runs `statement` (`:stores`, then the `{{scope}}` predicates from `whereFolder`) to erase the
 * rows of these stores that `scope` can see, then truncates the write-ahead log, which still holds
 * the erased rows' pages, and those of rows deleted earlier, until a checkpoint (best effort: see
 * SqliteConnection.truncateWal).
 *
 * @throws EngramError INVALID_INPUT for an empty scope, which would match every scope.
 */
export async function eraseBoundScope(bound: BoundConnection, statement: string, whereFolder: string, scope: Scope): Promise<void> {
  requireScopeForDelete(scope)
  const { db, stores } = bound
  await db.run(() => {
    const clause = scopePredicates(db, scope, whereFolder)
    db.statement(statement, { scope: clause.sql }).run(...clause.params, { stores })
  }, 'write')
  db.truncateWal()
}
