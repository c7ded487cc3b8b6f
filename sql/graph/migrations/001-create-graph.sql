-- Purpose: create the embedded graph store (docs/contract.md): entities unique per (exact scope, key),
--          relations between them with a validity interval, their provenance (the memories they
--          were learned from) in a table of its own, and `relation_records`, the view every read
--          of relations goes through.
-- Parameters: none (multi-statement migration, applied once per database file).
-- Returns: nothing.

-- scope_key is the exact scope as one value (JSON [user_id, agent_id, run_id], NULL for an absent
-- id): writes and entity resolution compare it, so `{userId:"a"}` never resolves to an entity of
-- `{userId:"a", agentId:"x"}`. The scope columns serve visibility reads, where an absent id does
-- not constrain. match_text is matchText(name) (normalize.ts), NULL for a name without letters or
-- digits, which therefore never matches as a keyword.
CREATE TABLE entities (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  user_id TEXT,
  agent_id TEXT,
  run_id TEXT,
  scope_key TEXT NOT NULL,
  match_text TEXT,
  mentions INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- Float32 little-endian, L2-normalised (vector-blob.ts). Last: a row too big for its page spills
  -- its tail to overflow pages, and scope and key checks should not have to follow them.
  embedding BLOB NOT NULL,
  -- Its index also serves every lookup by scope_key alone (the leftmost column), which is why
  -- there is no separate index on scope_key.
  UNIQUE (scope_key, key)
);

CREATE INDEX entities_user_id ON entities (user_id);
CREATE INDEX entities_agent_id ON entities (agent_id);
CREATE INDEX entities_run_id ON entities (run_id);

-- A relation has the exact scope of its two entities. The type is checked again here (docs/contract.md
-- pattern ^[A-Z][A-Z0-9_]{0,63}$), so nothing else can be stored even by another writer.
-- Timestamps are ISO-8601 strings from Date.toISOString(), which sort and compare as text.
CREATE TABLE relations (
  id TEXT PRIMARY KEY,
  source_id TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  target_id TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
  type TEXT NOT NULL CHECK (length(type) <= 64 AND type GLOB '[A-Z]*' AND type NOT GLOB '*[^A-Z0-9_]*'),
  valid_from TEXT NOT NULL,
  -- NULL while the relation holds.
  valid_to TEXT,
  mentions INTEGER NOT NULL DEFAULT 1,
  user_id TEXT,
  agent_id TEXT,
  run_id TEXT,
  scope_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Walks follow relations from either end.
CREATE INDEX relations_source_id ON relations (source_id);
CREATE INDEX relations_target_id ON relations (target_id);
-- Finds the valid relation an assert reinforces. Partial and UNIQUE: at most one *valid* relation
-- per (scope, source, target, type), so parallel valid edges cannot exist whoever writes, while
-- invalidated ones (earlier validity intervals) may repeat.
CREATE UNIQUE INDEX relations_valid_triple ON relations (scope_key, source_id, target_id, type) WHERE valid_to IS NULL;
CREATE INDEX relations_user_id ON relations (user_id);
CREATE INDEX relations_agent_id ON relations (agent_id);
CREATE INDEX relations_run_id ON relations (run_id);

-- Provenance as rows rather than a JSON column, so "which relations came from memory M" is an
-- index lookup (forgetMemory, relationsFromMemories), never a scan of every relation's JSON.
CREATE TABLE relation_memories (
  relation_id TEXT NOT NULL REFERENCES relations (id) ON DELETE CASCADE,
  memory_id TEXT NOT NULL,
  PRIMARY KEY (relation_id, memory_id)
) WITHOUT ROWID;

CREATE INDEX relation_memories_memory_id ON relation_memories (memory_id);

-- A relation as the port returns it: endpoint names and types joined, memory ids as a JSON array
-- sorted by id (deterministic whatever order they were added in). SQLite flattens the view into
-- each query, so a WHERE on it still uses the indexes of `relations`, and the correlated
-- memory_ids subquery runs only for the rows a query returns. `seq` (the rowid) orders relations
-- created by one add, which share their created_at.
CREATE VIEW relation_records AS
SELECT
  r.rowid AS seq, r.id, r.type, r.valid_from, r.valid_to, r.mentions, r.user_id, r.agent_id, r.run_id, r.scope_key,
  r.created_at, r.updated_at,
  r.source_id, s.name AS source_name, s.type AS source_type,
  r.target_id, t.name AS target_name, t.type AS target_type,
  (SELECT json_group_array(m.memory_id ORDER BY m.memory_id) FROM relation_memories AS m WHERE m.relation_id = r.id) AS memory_ids
FROM relations AS r
JOIN entities AS s ON s.id = r.source_id
JOIN entities AS t ON t.id = r.target_id;
