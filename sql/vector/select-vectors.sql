-- Purpose: every stored vector with its memory's scope, to (re)fill a connection's in-memory
--          vector cache (vector-cache.ts).
-- Parameters: none.
-- Returns: seq, user_id, agent_id, run_id, vector (Float32 little-endian BLOB).
SELECT seq, user_id, agent_id, run_id, vector
FROM memories
