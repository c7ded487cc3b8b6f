-- Purpose: start a relation: a new row with its own validity interval, open (valid_to NULL).
-- Parameters: :id (uuid), :source_id, :target_id, :type (UPPER_SNAKE_CASE, re-checked by code and
--             by the table's CHECK), :valid_from, :now (ISO-8601), :user_id, :agent_id, :run_id
--             (NULL when absent), :scope_key.
-- Returns: nothing; a second valid relation with the same (scope, source, target, type) fails the
--          relations_valid_triple index.
INSERT INTO relations (id, source_id, target_id, type, valid_from, valid_to, mentions, user_id, agent_id, run_id, scope_key, created_at, updated_at)
VALUES (:id, :source_id, :target_id, :type, :valid_from, NULL, 1, :user_id, :agent_id, :run_id, :scope_key, :now, :now)
