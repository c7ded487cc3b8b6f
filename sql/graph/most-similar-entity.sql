-- Purpose: the entity of exactly one scope whose name embedding is most similar to a vector. The
--          scope_key equality walks the UNIQUE (scope_key, key) index, so only that scope's
--          entities are scored, never every node.
-- Parameters: :scope_key (the exact scope), :vector (Float32 little-endian BLOB, L2-normalised).
-- Returns: id, key, name, type, user_id, agent_id, run_id, mentions, created_at, updated_at,
--          similarity (dot product = cosine); one row at most, none for a scope without entities.
SELECT e.id, e.key, e.name, e.type, e.user_id, e.agent_id, e.run_id, e.mentions, e.created_at, e.updated_at,
  blob_similarity(e.embedding, :vector) AS similarity
FROM entities AS e
WHERE e.scope_key = :scope_key
ORDER BY similarity DESC, e.id
LIMIT 1
