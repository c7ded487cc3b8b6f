-- Purpose: delete relations by id; their provenance rows follow by ON DELETE CASCADE.
-- Parameters: :ids (JSON array of relation ids).
-- Returns: nothing.
DELETE FROM relations
WHERE id IN (SELECT value FROM json_each(:ids))
