-- Purpose: every entity as a connection keeps it in memory (entity-cache.ts), to (re)fill that copy.
-- Parameters: none.
-- Returns: id, name, type, match_text, user_id, agent_id, run_id, embedding (Float32 BLOB).
SELECT id, name, type, match_text, user_id, agent_id, run_id, embedding
FROM entities
