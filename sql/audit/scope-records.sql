-- Purpose: the reads of these stores a scope can see (a present scope id must match, an absent
--          one does not constrain), logged at or after :since, oldest first.
-- Parameters: :stores (store binding), the ? of the {{scope}} predicates (audit/where/*.sql, in
--             order), then :since (ISO-8601; '' for all) and :limit.
-- Returns: operation, user_id, agent_id, run_id, actor, query, result_ids, created_at.
SELECT a.operation, a.user_id, a.agent_id, a.run_id, a.actor, a.query, a.result_ids, a.created_at
FROM read_audit AS a
WHERE a.stores = :stores
{{scope}}
AND a.created_at >= :since
ORDER BY a.seq
LIMIT :limit
