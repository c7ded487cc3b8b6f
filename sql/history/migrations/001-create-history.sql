-- Purpose: create the audit log: one table for the changes to memories, relations and entities.
-- Parameters: none (multi-statement migration, applied once per database file).
-- Returns: nothing.

-- seq gives a stable order to rows written in the same millisecond; AUTOINCREMENT keeps it from
-- ever reusing a number, even after the newest rows are gone.
CREATE TABLE history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  target TEXT NOT NULL CHECK (target IN ('memory', 'relation', 'entity')),
  target_id TEXT NOT NULL,
  event TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  user_id TEXT,
  agent_id TEXT,
  run_id TEXT,
  actor TEXT,
  role TEXT,
  -- JSON array of memory ids (provenance); NULL when the record named none.
  memory_ids TEXT CHECK (memory_ids IS NULL OR json_valid(memory_ids)),
  created_at TEXT NOT NULL
);

CREATE INDEX history_target ON history (target, target_id);
CREATE INDEX history_user_id ON history (user_id);
CREATE INDEX history_agent_id ON history (agent_id);
CREATE INDEX history_run_id ON history (run_id);
