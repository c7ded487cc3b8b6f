-- Purpose: every stored vector with what the reads filter it by (scope, expiry, update time,
--          type) and its keyword length, to (re)fill a connection's in-memory vector cache
--          (vector-cache.ts).
-- Parameters: none.
-- Returns: seq, user_id, agent_id, run_id, expires_at, updated_at, memory_type, keyword_length
--          (NULL when not counted yet), vector (Float32 little-endian BLOB).
SELECT seq, user_id, agent_id, run_id, expires_at, updated_at, memory_type, keyword_length, vector
FROM memories
