-- Purpose: delete every entity of every scope (reset); relations and their provenance follow by
--          ON DELETE CASCADE.
-- Parameters: none.
-- Returns: nothing.
DELETE FROM entities
