-- Purpose: remove one graph_meta entry (the model a reembed moved to, once it is done).
-- Parameters: :key (text).
-- Returns: nothing.
DELETE FROM graph_meta
WHERE key = :key
