-- Purpose: mention again the valid relation with these endpoints and type in exactly this scope:
--          mentions + 1 and updated_at. Found through the partial relations_valid_triple index.
-- Parameters: :scope_key, :source_id, :target_id, :type, :now (ISO-8601).
-- Returns: id of the reinforced relation; no row when no such relation is valid (the caller then
--          inserts one, so an invalidated relation is never reopened).
UPDATE relations
SET mentions = mentions + 1, updated_at = :now
WHERE scope_key = :scope_key AND source_id = :source_id AND target_id = :target_id AND type = :type
  AND valid_to IS NULL
RETURNING id
