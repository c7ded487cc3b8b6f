-- Purpose: every change to one memory, relation or entity, oldest first; rows with the same
--          timestamp keep the order they were appended in.
-- Parameters: :target ('memory' | 'relation' | 'entity'), :target_id.
-- Returns: id, target, target_id, event, old_value, new_value, user_id, agent_id, run_id, actor,
--          role, memory_ids, created_at.
SELECT id, target, target_id, event, old_value, new_value, user_id, agent_id, run_id, actor, role, memory_ids, created_at
FROM history
WHERE target = :target AND target_id = :target_id
ORDER BY created_at, seq
