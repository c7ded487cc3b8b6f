-- Purpose: start the context of a scope that has none yet.
-- Parameters: :stores (store binding), :user_id, :agent_id, :run_id (NULL when absent).
-- Returns: id, summary, adds, summarized_adds of the new row.
INSERT INTO context_scopes (stores, user_id, agent_id, run_id)
VALUES (:stores, :user_id, :agent_id, :run_id)
RETURNING id, summary, adds, summarized_adds
