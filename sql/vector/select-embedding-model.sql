-- Purpose: the store's embedding model tag, the model a reembed is moving it to, and the
--          dimension of its vectors (migration 003).
-- Parameters: none.
-- Returns: one row: model, reembed_to (text or NULL), dimension (integer or NULL).
SELECT
  (SELECT value FROM vector_meta WHERE key = 'embedding_model') AS model,
  (SELECT value FROM vector_meta WHERE key = 'reembed_to') AS reembed_to,
  (SELECT value FROM vector_meta WHERE key = 'dimension') AS dimension
