-- Purpose: record which applies committed (GraphChanges.operationId) and what they did, written
--          in the apply's own transaction, so the journal's redo of an apply is idempotent.
-- Parameters: none (migration, applied once per database file).
-- Returns: nothing.
CREATE TABLE applied_operations (
  id TEXT PRIMARY KEY,
  -- JSON text of the GraphEvent list the apply returned.
  events TEXT NOT NULL CHECK (json_valid(events)),
  created_at TEXT NOT NULL
);
