-- Purpose: forget every apply record (reset).
-- Parameters: none.
-- Returns: nothing.
DELETE FROM applied_operations
