-- Purpose: create an entity, or mention again the one with the same (exact scope, key): mentions
--          + 1 and updated_at; its name, embedding and created_at stay as first written. An
--          entity still typed :untyped (the placeholder given to an entity no type was extracted
--          for, UNTYPED_ENTITY in normalize.ts) takes the type of the new write.
-- Parameters: :id (a fresh uuid, used only if the entity is new), :key, :name, :type, :untyped, :user_id,
--             :agent_id, :run_id (NULL when absent), :scope_key, :match_text, :now (ISO-8601),
--             :embedding (Float32 little-endian BLOB), :buckets (JSON array of its hash bucket keys,
--             entity-buckets.ts; used only when the entity is new, so NULL for a mention of a stored one).
-- Returns: id, key, name, type, user_id, agent_id, run_id, mentions, created_at, updated_at of the
--          entity as it now is; its id equals :id exactly when it was created.
INSERT INTO entities (id, key, name, type, user_id, agent_id, run_id, scope_key, match_text, mentions, created_at, updated_at, embedding, buckets)
VALUES (:id, :key, :name, :type, :user_id, :agent_id, :run_id, :scope_key, :match_text, 1, :now, :now, :embedding, :buckets)
ON CONFLICT (scope_key, key) DO UPDATE SET
  mentions = mentions + 1,
  updated_at = excluded.updated_at,
  type = CASE WHEN type = :untyped THEN excluded.type ELSE type END
RETURNING id, key, name, type, user_id, agent_id, run_id, mentions, created_at, updated_at
