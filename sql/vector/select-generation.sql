-- Purpose: the generation of the stored vectors, which changes whenever a memory's vector is
--          inserted, replaced or deleted (by triggers, whoever writes).
-- Parameters: none.
-- Returns: value (integer).
SELECT value
FROM vector_meta
WHERE key = 'generation'
