-- Purpose: write one entity exactly as exported (src/transfer), or replace the one with the same id.
-- Parameters: :id, :key, :name, :type, :user_id, :agent_id, :run_id (NULL when absent), :scope_key,
--             :match_text, :mentions, :created_at, :updated_at (ISO-8601), :embedding (Float32 BLOB),
--             :buckets (JSON array of its hash bucket keys, entity-buckets.ts).
-- Returns: nothing; another entity with the same (scope, key) fails the UNIQUE constraint.
INSERT INTO entities (id, key, name, type, user_id, agent_id, run_id, scope_key, match_text, mentions, created_at, updated_at, embedding, buckets)
VALUES (:id, :key, :name, :type, :user_id, :agent_id, :run_id, :scope_key, :match_text, :mentions, :created_at, :updated_at, :embedding, :buckets)
ON CONFLICT (id) DO UPDATE SET
  key = excluded.key, name = excluded.name, type = excluded.type, user_id = excluded.user_id,
  agent_id = excluded.agent_id, run_id = excluded.run_id, scope_key = excluded.scope_key,
  match_text = excluded.match_text, mentions = excluded.mentions, created_at = excluded.created_at,
  updated_at = excluded.updated_at, embedding = excluded.embedding, buckets = excluded.buckets
