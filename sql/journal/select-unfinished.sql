-- Purpose: every entry not yet finished that was written for these stores, oldest first
--          (recovery); entries of other stores sharing the file are theirs.
-- Parameters: :stores (store binding).
-- Returns: id, state, owner_pid, plan, progress, created_at, user_id, agent_id, run_id.
SELECT id, state, owner_pid, plan, progress, created_at, user_id, agent_id, run_id FROM journal WHERE stores = :stores ORDER BY seq
