-- Purpose: the entities a scope can see, by name.
-- Parameters: the ? of the {{scope}} predicates (graph/where/entities/*.sql, in order), then :limit.
-- Returns: id, key, name, type, user_id, agent_id, run_id, mentions, created_at, updated_at.
SELECT e.id, e.key, e.name, e.type, e.user_id, e.agent_id, e.run_id, e.mentions, e.created_at, e.updated_at
FROM entities AS e
WHERE TRUE
{{scope}}
ORDER BY e.name, e.id
LIMIT :limit
