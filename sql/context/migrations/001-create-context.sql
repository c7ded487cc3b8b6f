-- Purpose: create the conversation context: per exact scope, a rolling summary and the last messages.
-- Parameters: none (multi-statement migration, applied once per database file).
-- Returns: nothing.

-- One row per exact scope (NULL ids are part of the scope: {userId:a} and {userId:a, runId:r}
-- are two rows). Uniqueness is kept by the store's write transaction, because a UNIQUE index
-- would treat NULLs as distinct. `adds` counts the adds appended, `summarized_adds` how many of
-- them the summary covers; the difference is what the next refresh reads.
CREATE TABLE context_scopes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT,
  agent_id TEXT,
  run_id TEXT,
  summary TEXT,
  adds INTEGER NOT NULL DEFAULT 0,
  summarized_adds INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX context_scopes_user_id ON context_scopes (user_id);
CREATE INDEX context_scopes_agent_id ON context_scopes (agent_id);
CREATE INDEX context_scopes_run_id ON context_scopes (run_id);

-- seq orders messages (AUTOINCREMENT: never reused); add_number is the scope's `adds` count of
-- the add that brought the message, which tells whether the summary covers it.
CREATE TABLE context_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  scope_id INTEGER NOT NULL REFERENCES context_scopes (id) ON DELETE CASCADE,
  add_number INTEGER NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
  content TEXT NOT NULL,
  name TEXT,
  created_at TEXT NOT NULL
);

CREATE INDEX context_messages_scope ON context_messages (scope_id, seq);
