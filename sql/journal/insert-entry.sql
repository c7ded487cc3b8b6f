-- Purpose: record an add's intent before its first store write.
-- Parameters: :id, :state, :owner_pid, :plan (JSON), :progress (JSON), :created_at (ISO-8601),
--             :stores (store binding), :user_id, :agent_id, :run_id (the add's scope; NULL when absent).
-- Returns: nothing.
INSERT INTO journal (id, state, owner_pid, plan, progress, created_at, seq, stores, user_id, agent_id, run_id)
VALUES (:id, :state, :owner_pid, :plan, :progress, :created_at, (SELECT coalesce(max(seq), 0) + 1 FROM journal), :stores, :user_id, :agent_id, :run_id)
