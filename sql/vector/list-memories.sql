-- Purpose: the memories a scope (with its metadata and lifecycle filters) can see, newest first.
-- Parameters: the ? of the {{scope}} predicates (vector/where/*.sql, in order), then :limit.
-- Returns: id, text, hash, metadata, user_id, agent_id, run_id, created_at, updated_at, observed_at,
--          expires_at, memory_type, mentions.
SELECT m.id, m.text, m.hash, m.metadata, m.user_id, m.agent_id, m.run_id, m.created_at, m.updated_at, m.observed_at, m.expires_at, m.memory_type, m.mentions
FROM memories AS m
WHERE TRUE
{{scope}}
ORDER BY m.created_at DESC, m.seq DESC
LIMIT :limit
