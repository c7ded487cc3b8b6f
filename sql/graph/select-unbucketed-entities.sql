-- Purpose: the entities without hash buckets (written before migration 003), to fill them in.
-- Parameters: none.
-- Returns: id, scope_key, embedding.
SELECT id, scope_key, embedding FROM entities WHERE buckets IS NULL
