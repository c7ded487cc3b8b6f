-- Purpose: start the context of a scope that has none yet.
-- Parameters: :user_id, :agent_id, :run_id (NULL when absent).
-- Returns: id, summary, adds, summarized_adds of the new row.
INSERT INTO context_scopes (user_id, agent_id, run_id)
VALUES (:user_id, :agent_id, :run_id)
RETURNING id, summary, adds, summarized_adds
