-- Purpose: the entities of exactly one scope with any of the given keys (entity resolution and the
--          endpoints of asserted relations). Uses the UNIQUE (scope_key, key) index.
-- Parameters: :scope_key (the exact scope, see sqlite-graph-rows.ts scopeKey), :keys (JSON array of keys).
-- Returns: id, key, name, type, user_id, agent_id, run_id, mentions, created_at, updated_at; by key.
SELECT e.id, e.key, e.name, e.type, e.user_id, e.agent_id, e.run_id, e.mentions, e.created_at, e.updated_at
FROM entities AS e
WHERE e.scope_key = :scope_key
  AND e.key IN (SELECT value FROM json_each(:keys))
ORDER BY e.key
