-- Purpose: give one entity its hash buckets (entity-buckets.ts), once it has none.
-- Parameters: :id, :buckets (JSON array of bucket keys).
-- Returns: nothing.
UPDATE entities SET buckets = :buckets WHERE id = :id AND buckets IS NULL
