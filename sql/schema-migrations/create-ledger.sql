-- Purpose: create the ledger of applied schema migrations, shared by every store that uses this
--          database file (each store's versions are counted separately).
-- Parameters: none.
-- Returns: nothing.
CREATE TABLE IF NOT EXISTS schema_migrations (
  store TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  PRIMARY KEY (store, version)
)
