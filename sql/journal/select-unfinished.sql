-- Purpose: every entry not yet finished, oldest first (recovery).
-- Parameters: none.
-- Returns: id, state, owner_pid, plan, progress, created_at.
SELECT id, state, owner_pid, plan, progress, created_at FROM journal ORDER BY seq
