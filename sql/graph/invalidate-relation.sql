-- Purpose: end the validity of one valid relation of exactly this scope; the row is kept.
-- Parameters: :id, :scope_key, :valid_to, :now (ISO-8601).
-- Returns: id; no row when the relation is unknown, of another scope or already invalid.
UPDATE relations
SET valid_to = :valid_to, updated_at = :now
WHERE id = :id AND scope_key = :scope_key AND valid_to IS NULL
RETURNING id
