-- Purpose: drop a finished entry.
-- Parameters: :id.
-- Returns: nothing.
DELETE FROM journal WHERE id = :id
