-- Purpose: delete every memory of every scope (reset); the FTS index follows by trigger.
-- Parameters: none.
-- Returns: nothing.
DELETE FROM memories
