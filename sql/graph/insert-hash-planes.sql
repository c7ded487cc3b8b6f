-- Purpose: record the hash planes of a dimension, once; a concurrent writer's planes win.
-- Parameters: :dimension, :planes (Float32 BLOB).
-- Returns: nothing.
INSERT OR IGNORE INTO entity_hash_planes (dimension, planes) VALUES (:dimension, :planes)
