-- Purpose: empty the read audit (reset).
-- Parameters: none.
-- Returns: nothing.
DELETE FROM read_audit
