-- Purpose: the dimension of the stored entity embeddings (one embedding model's), checked when a
--          Memory opens against the embedder's.
-- Parameters: none.
-- Returns: one value (integer: Float32 BLOB bytes / 4); no row while no entity is stored.
SELECT length(embedding) / 4
FROM entities
WHERE embedding IS NOT NULL
LIMIT 1
