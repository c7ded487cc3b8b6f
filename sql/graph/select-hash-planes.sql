-- Purpose: the hash planes of one embedding dimension (migration 003).
-- Parameters: :dimension.
-- Returns: planes (Float32 BLOB); no row before the first entity of that dimension.
SELECT planes FROM entity_hash_planes WHERE dimension = :dimension
