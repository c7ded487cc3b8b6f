import { join } from 'node:path'
import Database from 'better-sqlite3'

/**
 * The ids of every entry left in a data folder's journal file, whatever stores each was written
 * for: read from the file itself, so that an entry bound to other stores counts too.
 */
export function journalEntries(dataDir: string): string[] {
  const db = new Database(join(dataDir, 'journal.db'), { readonly: true })
  try {
    return (db.prepare('SELECT id FROM journal ORDER BY seq').all() as Array<{ id: string }>).map((row) => row.id)
  } finally {
    db.close()
  }
}
