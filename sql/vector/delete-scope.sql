-- Purpose: delete every memory a scope can see (the same predicates as the reads).
-- Parameters: the ? of the {{scope}} predicates (vector/where/*.sql, in order). Code refuses an
--             empty scope, which would match everything.
-- Returns: seq, id, text, hash, metadata, user_id, agent_id, run_id, created_at, updated_at,
--          observed_at, expires_at, memory_type, mentions of each deleted memory.
DELETE FROM memories AS m
WHERE TRUE
{{scope}}
RETURNING seq, id, text, hash, metadata, user_id, agent_id, run_id, created_at, updated_at, observed_at, expires_at, memory_type, mentions
