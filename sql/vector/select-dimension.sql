-- Purpose: the embedding dimension this store was built with.
-- Parameters: none.
-- Returns: value (integer); no row until the first memory is stored.
SELECT value
FROM vector_meta
WHERE key = 'dimension'
