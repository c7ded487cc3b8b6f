-- Purpose: forget the embedding dimension (reset), so the next insert may use another model.
-- Parameters: none.
-- Returns: nothing.
DELETE FROM vector_meta
WHERE key = 'dimension'
