-- Purpose: every audit row a scope can see, in the order appended: what an export writes (src/transfer).
-- Parameters: the ? of the {{scope}} predicates (history/where/*.sql, in order).
-- Returns: id, target, target_id, event, old_value, new_value, user_id, agent_id, run_id, actor,
--          role, memory_ids, created_at.
SELECT h.id, h.target, h.target_id, h.event, h.old_value, h.new_value, h.user_id, h.agent_id, h.run_id, h.actor, h.role, h.memory_ids, h.created_at
FROM history AS h
WHERE TRUE
{{scope}}
ORDER BY h.seq
