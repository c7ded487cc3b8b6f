-- Purpose: create the read audit: one row per logged search, get or getAll (config audit.enabled).
-- Parameters: none (multi-statement migration, applied once per database file).
-- Returns: nothing.

-- seq orders reads logged in the same millisecond; AUTOINCREMENT never reuses a number, so the
-- order of what is left stays the order of the reads after old rows are erased.
CREATE TABLE read_audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  operation TEXT NOT NULL CHECK (operation IN ('search', 'get', 'getAll')),
  user_id TEXT,
  agent_id TEXT,
  run_id TEXT,
  actor TEXT,
  -- The search query, or the id asked for by get; NULL for getAll.
  query TEXT,
  -- JSON array of the ids of the memories returned, in order.
  result_ids TEXT NOT NULL CHECK (json_valid(result_ids)),
  created_at TEXT NOT NULL
);

CREATE INDEX read_audit_user_id ON read_audit (user_id);
CREATE INDEX read_audit_agent_id ON read_audit (agent_id);
CREATE INDEX read_audit_run_id ON read_audit (run_id);
CREATE INDEX read_audit_created_at ON read_audit (created_at);
