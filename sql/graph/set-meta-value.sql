-- Purpose: set one graph_meta entry (the embedding model tag, or the model a reembed moves to).
-- Parameters: :key (text), :value.
-- Returns: nothing.
INSERT INTO graph_meta (key, value)
VALUES (:key, :value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value
