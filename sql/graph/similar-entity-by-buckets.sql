-- Purpose: the entity of exactly one scope most similar to a vector, among the candidates of its
--          hash buckets (entity-buckets.ts): the entities sharing a probed bucket, plus any entity
--          of the scope not yet bucketed (migration 003). Each candidate is scored exactly.
-- Parameters: :probes (JSON array of bucket keys), :scope_key (the exact scope), :vector (Float32
--             little-endian BLOB, L2-normalised).
-- Returns: id, key, name, type, user_id, agent_id, run_id, mentions, created_at, updated_at,
--          similarity (dot product = cosine); one row at most.
-- CROSS JOIN keeps the candidates outside, each entity read by its primary key: the planner would
-- otherwise walk every entity of the scope by scope_key and look the candidates up.
WITH candidates (id) AS (
  SELECT b.entity_id FROM entity_buckets AS b WHERE b.bucket IN (SELECT value FROM json_each(:probes))
  UNION
  SELECT u.id FROM entities AS u WHERE u.scope_key = :scope_key AND u.buckets IS NULL
)
SELECT e.id, e.key, e.name, e.type, e.user_id, e.agent_id, e.run_id, e.mentions, e.created_at, e.updated_at,
  blob_similarity(e.embedding, :vector) AS similarity
FROM candidates AS c
CROSS JOIN entities AS e ON e.id = c.id
WHERE e.scope_key = :scope_key
ORDER BY similarity DESC, e.id
LIMIT 1
