-- Purpose: entities by id, as the port returns them (the entities a query linked to).
-- Parameters: :ids (JSON array of entity ids).
-- Returns: id, key, name, type, user_id, agent_id, run_id, mentions, created_at, updated_at; in no
--          particular order.
SELECT e.id, e.key, e.name, e.type, e.user_id, e.agent_id, e.run_id, e.mentions, e.created_at, e.updated_at
FROM entities AS e
WHERE e.id IN (SELECT value FROM json_each(:ids))
