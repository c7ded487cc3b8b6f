-- Purpose: the memories due for deletion (prune), oldest updated_at first: expired at :now, or,
--          when :updated_before is given, last updated before it (retention by age). Each half
--          is a range on its own index (memories_expires_at, memories_updated_at).
-- Parameters: :now (ISO-8601), :updated_before (ISO-8601 or NULL: age does not count), then the ?
--             of the {{scope}} predicates (vector/where/*.sql, in order; none: every scope), :limit.
-- Returns: seq, id, text, hash, metadata, user_id, agent_id, run_id, created_at, updated_at,
--          observed_at, expires_at, memory_type, mentions.
SELECT m.seq, m.id, m.text, m.hash, m.metadata, m.user_id, m.agent_id, m.run_id, m.created_at, m.updated_at, m.observed_at, m.expires_at, m.memory_type, m.mentions
FROM memories AS m
WHERE m.seq IN (
  SELECT seq FROM memories WHERE expires_at <= :now
  UNION ALL
  SELECT seq FROM memories WHERE updated_at < :updated_before
)
{{scope}}
ORDER BY m.updated_at, m.seq
LIMIT :limit
