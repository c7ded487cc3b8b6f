import type Database from 'better-sqlite3'
import { EngramError } from '../../errors.js'
import type { Statements } from '../../statements.js'

/** The stores that keep their schema under `sql/<store>/migrations/`. */
export type SqliteStoreName = 'vector' | 'history' | 'graph' | 'journal' | 'context' | 'audit'

interface Migration {
  version: number
  name: string
  text: string
}

/**
 * Brings one store's schema up to date: applies each `sql/<store>/migrations/NNN-name.sql` not yet
 * listed in `schema_migrations`, in order, each in its own transaction together with its ledger
 * row. The ledger is keyed by store, so several stores can share one database file.
 *
 * @throws EngramError INVALID_CONFIG for a badly named migration file or a database written by a
 *   newer Engram; driver errors propagate for the caller to translate.
 */
export function applyMigrations(db: Database.Database, statements: Statements, store: SqliteStoreName): void {
  const migrations = statements.namesUnder(`${store}/migrations`).map((name) => parseMigration(statements, name))
  const duplicate = migrations.find((migration, index) => migration.version === migrations[index - 1]?.version)
  if (duplicate !== undefined) {
    throw new EngramError('INVALID_CONFIG', `two ${store} migrations share version ${duplicate.version}; each NNN must be unique`)
  }
  db.prepare(statements.get('schema-migrations/create-ledger')).run()
  const selectApplied = db.prepare(statements.get('schema-migrations/select-applied')).pluck()
  const recordApplied = db.prepare(statements.get('schema-migrations/record-applied'))

  const newest = Math.max(0, ...(selectApplied.all({ store }) as number[]))
  const known = migrations.at(-1)?.version ?? 0
  if (newest > known) {
    throw new EngramError(
      'INVALID_CONFIG',
      `the ${store} schema in ${db.name} is at version ${newest}, newer than this Engram knows (${known}); upgrade Engram or use another path`,
    )
  }

  for (const migration of migrations) {
    // IMMEDIATE and a re-read inside the transaction: two processes opening a new file at once
    // apply each migration exactly once.
    db.transaction(() => {
      if ((selectApplied.all({ store }) as number[]).includes(migration.version)) return
      db.exec(migration.text)
      recordApplied.run({ store, version: migration.version, name: migration.name, applied_at: new Date().toISOString() })
    }).immediate()
  }
}

function parseMigration(statements: Statements, path: string): Migration {
  const match = /\/(\d{3})-([a-z0-9-]+)$/.exec(path)
  if (match === null) {
    throw new EngramError('INVALID_CONFIG', `migration sql/${path}.sql must be named NNN-name.sql (three digits, then lower-case words)`)
  }
  return { version: Number(match[1]), name: match[2]!, text: statements.get(path) }
}
