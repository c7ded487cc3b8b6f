-- Purpose: every stored vector, to (re)fill a connection's in-memory vector cache.
-- Parameters: none.
-- Returns: seq, vector (Float32 little-endian BLOB).
SELECT seq, vector
FROM memories
