-- Purpose: empty the audit log (reset).
-- Parameters: none.
-- Returns: nothing.
DELETE FROM history
