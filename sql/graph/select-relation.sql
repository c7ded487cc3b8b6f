-- Purpose: one relation by id, as the port returns it.
-- Parameters: :id.
-- Returns: every column of relation_records (migration 001); no row if absent.
SELECT r.*
FROM relation_records AS r
WHERE r.id = :id
