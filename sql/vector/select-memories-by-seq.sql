-- Purpose: the memories with these seqs that a scope and its metadata filters admit: the rows of
--          the candidates the in-memory vector cache ranked (vector-cache.ts). The predicates are
--          applied here, so a candidate the filters reject is never returned.
-- Parameters: the ? of the {{scope}} predicates (vector/where/*.sql, in order), :seqs (JSON array
--             of memory seqs).
-- Returns: seq, id, text, hash, metadata, user_id, agent_id, run_id, created_at, updated_at,
--          observed_at, expires_at, memory_type, mentions; in no particular order (the caller keeps its ranking).
SELECT m.seq, m.id, m.text, m.hash, m.metadata, m.user_id, m.agent_id, m.run_id, m.created_at, m.updated_at, m.observed_at, m.expires_at, m.memory_type, m.mentions
FROM memories AS m
WHERE m.seq IN (SELECT value FROM json_each(:seqs))
{{scope}}
