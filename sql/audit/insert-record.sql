-- Purpose: log one read.
-- Parameters: :stores (store binding), :operation, :user_id, :agent_id, :run_id, :actor, :query
--             (each NULL when absent), :result_ids (JSON array), :created_at (ISO-8601).
-- Returns: nothing.
INSERT INTO read_audit (stores, operation, user_id, agent_id, run_id, actor, query, result_ids, created_at)
VALUES (:stores, :operation, :user_id, :agent_id, :run_id, :actor, :query, :result_ids, :created_at)
