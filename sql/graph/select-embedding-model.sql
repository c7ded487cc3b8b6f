-- Purpose: the graph's embedding model tag, the model a reembed is moving it to, and the
--          dimension of its entity embeddings (migration 005).
-- Parameters: none.
-- Returns: one row: model, reembed_to (text or NULL), dimension (integer or NULL).
SELECT
  (SELECT value FROM graph_meta WHERE key = 'embedding_model') AS model,
  (SELECT value FROM graph_meta WHERE key = 'reembed_to') AS reembed_to,
  (SELECT length(embedding) / 4 FROM entities LIMIT 1) AS dimension
