-- Purpose: every entity of exactly one scope with its hash bucket keys (entity-buckets.ts), to
--          build that scope's in-memory bucket table (bucket-table.ts) for entity resolution.
-- Parameters: :scope_key (the exact scope).
-- Returns: id, buckets (JSON array of bucket keys; NULL for an entity written before migration 003
--          whose buckets the store has not filled in yet).
SELECT id, buckets FROM entities WHERE scope_key = :scope_key
