-- Purpose: log one read.
-- Parameters: :operation, :user_id, :agent_id, :run_id, :actor, :query (each NULL when absent),
--             :result_ids (JSON array), :created_at (ISO-8601).
-- Returns: nothing.
INSERT INTO read_audit (operation, user_id, agent_id, run_id, actor, query, result_ids, created_at)
VALUES (:operation, :user_id, :agent_id, :run_id, :actor, :query, :result_ids, :created_at)
