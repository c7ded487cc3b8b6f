-- Purpose: create the operation journal: one row per add in flight or interrupted (src/journal).
-- Parameters: none (migration, applied once per database file).
-- Returns: nothing.
CREATE TABLE journal (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('pending', 'rolling_back', 'done')),
  owner_pid INTEGER NOT NULL,
  -- What the add will write (JSON, written before the first store write).
  plan TEXT NOT NULL CHECK (json_valid(plan)),
  -- How far the writes got (JSON).
  progress TEXT NOT NULL CHECK (json_valid(progress)),
  created_at TEXT NOT NULL,
  seq INTEGER NOT NULL
);

CREATE INDEX journal_seq ON journal (seq);
