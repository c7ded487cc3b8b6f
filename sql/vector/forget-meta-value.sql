-- Purpose: remove one vector_meta entry (the model a reembed moved to, once it is done).
-- Parameters: :key (text).
-- Returns: nothing.
DELETE FROM vector_meta
WHERE key = :key
