-- Purpose: append one audit row.
-- Parameters: :id (uuid), :target ('memory' | 'relation' | 'entity'), :target_id, :event, :old_value,
--             :new_value, :user_id, :agent_id, :run_id, :actor, :role (NULL when absent),
--             :memory_ids (JSON array text or NULL), :created_at (ISO-8601).
-- Returns: nothing.
INSERT INTO history (id, target, target_id, event, old_value, new_value, user_id, agent_id, run_id, actor, role, memory_ids, created_at)
VALUES (:id, :target, :target_id, :event, :old_value, :new_value, :user_id, :agent_id, :run_id, :actor, :role, :memory_ids, :created_at)
