-- Purpose: give one entity its hash buckets; entity_buckets follows by trigger (migration 003).
-- Parameters: :id, :buckets (JSON array of bucket keys).
-- Returns: nothing.
UPDATE entities SET buckets = :buckets WHERE id = :id AND buckets IS NULL
