-- Purpose: create the vector store: one row per memory with its embedding, an FTS5 keyword index
--          kept in sync by triggers, and a key/value table with the embedding dimension and a
--          generation counter that triggers bump on every vector change.
-- Parameters: none (multi-statement migration, applied once per database file).
-- Returns: nothing.

-- `seq` is an explicit INTEGER PRIMARY KEY because the FTS index refers to rows by rowid, and only
-- a declared one is guaranteed to survive VACUUM unchanged.
CREATE TABLE memories (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  text TEXT NOT NULL,
  hash TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  user_id TEXT,
  agent_id TEXT,
  run_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- When the conversation the memory came from happened (add's observedAt), for timelines.
  observed_at TEXT NOT NULL,
  -- Float32 little-endian, L2-normalised. Last: a row too big for its page spills its tail to
  -- overflow pages, and scope checks should not have to follow them.
  vector BLOB NOT NULL
);

CREATE INDEX memories_user_id ON memories (user_id);
CREATE INDEX memories_agent_id ON memories (agent_id);
CREATE INDEX memories_run_id ON memories (run_id);

-- External content: the text is stored once (in memories) and the index holds only postings.
-- remove_diacritics 2 lets "cafe" find "café" whatever the Unicode composition.
CREATE VIRTUAL TABLE memories_fts USING fts5 (
  text,
  content = 'memories',
  content_rowid = 'seq',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER memories_fts_after_insert AFTER INSERT ON memories BEGIN
  INSERT INTO memories_fts (rowid, text) VALUES (new.seq, new.text);
END;

CREATE TRIGGER memories_fts_after_delete AFTER DELETE ON memories BEGIN
  INSERT INTO memories_fts (memories_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;

CREATE TRIGGER memories_fts_after_update AFTER UPDATE OF text ON memories BEGIN
  INSERT INTO memories_fts (memories_fts, rowid, text) VALUES ('delete', old.seq, old.text);
  INSERT INTO memories_fts (rowid, text) VALUES (new.seq, new.text);
END;

-- dimension: the embedding dimension, recorded by the first insert.
-- generation: bumped by every change to the set of vectors, whoever makes it (another process,
--   the sqlite3 shell), so a connection can tell whether its in-memory vectors are still current.
CREATE TABLE vector_meta (
  key TEXT PRIMARY KEY,
  value NOT NULL
);

INSERT INTO vector_meta (key, value) VALUES ('generation', 0);

CREATE TRIGGER memories_generation_after_insert AFTER INSERT ON memories BEGIN
  UPDATE vector_meta SET value = value + 1 WHERE key = 'generation';
END;

CREATE TRIGGER memories_generation_after_delete AFTER DELETE ON memories BEGIN
  UPDATE vector_meta SET value = value + 1 WHERE key = 'generation';
END;

CREATE TRIGGER memories_generation_after_update AFTER UPDATE OF seq, vector ON memories BEGIN
  UPDATE vector_meta SET value = value + 1 WHERE key = 'generation';
END;
