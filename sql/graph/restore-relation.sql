-- Purpose: write one relation exactly as exported (src/transfer), validity included, or replace the
--          one with the same id. Its provenance is written by graph/clear-relation-memories then graph/add-relation-memories.
-- Parameters: :id, :source_id, :target_id, :type (UPPER_SNAKE_CASE, re-checked by code and by the
--             table's CHECK), :valid_from, :valid_to (NULL while valid), :mentions, :user_id,
--             :agent_id, :run_id (NULL when absent), :scope_key, :created_at, :updated_at.
-- Returns: nothing; a second valid relation with the same (scope, source, target, type) fails the
--          relations_valid_triple index.
INSERT INTO relations (id, source_id, target_id, type, valid_from, valid_to, mentions, user_id, agent_id, run_id, scope_key, created_at, updated_at)
VALUES (:id, :source_id, :target_id, :type, :valid_from, :valid_to, :mentions, :user_id, :agent_id, :run_id, :scope_key, :created_at, :updated_at)
ON CONFLICT (id) DO UPDATE SET
  source_id = excluded.source_id, target_id = excluded.target_id, type = excluded.type,
  valid_from = excluded.valid_from, valid_to = excluded.valid_to, mentions = excluded.mentions,
  user_id = excluded.user_id, agent_id = excluded.agent_id, run_id = excluded.run_id,
  scope_key = excluded.scope_key, created_at = excluded.created_at, updated_at = excluded.updated_at
