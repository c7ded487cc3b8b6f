-- Purpose: erase every scope's context (reset); the messages go with their scope rows (ON DELETE CASCADE).
-- Parameters: none.
-- Returns: nothing.
DELETE FROM context_scopes
