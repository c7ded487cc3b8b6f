-- Purpose: append one audit row exactly as exported (src/transfer), id included; a row whose id is
--          already stored is skipped, so a restore run twice appends each row once.
-- Parameters: :id, :target ('memory' | 'relation' | 'entity'), :target_id, :event, :old_value,
--             :new_value, :user_id, :agent_id, :run_id, :actor, :role (NULL when absent),
--             :memory_ids (JSON array text or NULL), :created_at (ISO-8601).
-- Returns: nothing.
INSERT OR IGNORE INTO history (id, target, target_id, event, old_value, new_value, user_id, agent_id, run_id, actor, role, memory_ids, created_at)
VALUES (:id, :target, :target_id, :event, :old_value, :new_value, :user_id, :agent_id, :run_id, :actor, :role, :memory_ids, :created_at)
