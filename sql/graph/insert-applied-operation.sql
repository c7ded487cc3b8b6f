-- Purpose: record, inside an apply's transaction, that the apply with this operation id committed.
-- Parameters: :id, :events (JSON text of the GraphEvent list), :created_at (ISO-8601), :user_id,
--             :agent_id, :run_id (the apply's exact scope; NULL when absent).
-- Returns: nothing.
INSERT INTO applied_operations (id, events, created_at, user_id, agent_id, run_id)
VALUES (:id, :events, :created_at, :user_id, :agent_id, :run_id)
