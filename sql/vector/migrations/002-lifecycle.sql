-- Purpose: memory lifecycle: expiry, memory type and mentions on every memory; indexes
--          for what prune reads (expired or too old, oldest first); the generation counter
--          follows every column the in-memory vector cache keeps; the keyword index erases what
--          is deleted from it.
-- Parameters: none (multi-statement migration, applied once per database file).
-- Returns: nothing.

-- ISO-8601 time from which the memory is expired; NULL: never. Existing memories never expire.
ALTER TABLE memories ADD COLUMN expires_at TEXT;
-- 'semantic' (a fact) or 'procedural' (the summary of an agent's run); existing memories are facts.
ALTER TABLE memories ADD COLUMN memory_type TEXT NOT NULL DEFAULT 'semantic' CHECK (memory_type IN ('semantic', 'procedural'));
-- How often the memory was stated; existing memories count as stated once.
ALTER TABLE memories ADD COLUMN mentions INTEGER NOT NULL DEFAULT 1 CHECK (mentions >= 1);

-- Partial: most memories never expire, and the expired() scan only wants those that do.
CREATE INDEX memories_expires_at ON memories (expires_at) WHERE expires_at IS NOT NULL;
-- Retention by age (updated_at < cutoff) and expired()'s oldest-first order.
CREATE INDEX memories_updated_at ON memories (updated_at);

-- The vector cache (vector-cache.ts) keeps each memory's scope, expiry, update time and type to
-- rank inside the filters of a read, so a change to any of them must be seen as a change by
-- other connections. mentions is left out on purpose: setMentions must not reload the cache.
DROP TRIGGER memories_generation_after_update;
CREATE TRIGGER memories_generation_after_update
AFTER UPDATE OF seq, vector, user_id, agent_id, run_id, expires_at, updated_at, memory_type ON memories BEGIN
  UPDATE vector_meta SET value = value + 1 WHERE key = 'generation';
END;

-- FTS5 otherwise records a deletion as a tombstone beside the old postings, which keep the
-- deleted words in the file until segments happen to merge; secure-delete (SQLite >= 3.44)
-- removes them at once (deleteAll must leave no trace of a user's words).
INSERT INTO memories_fts (memories_fts, rank) VALUES ('secure-delete', 1);
