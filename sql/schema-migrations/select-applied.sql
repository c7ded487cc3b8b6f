-- Purpose: the migration versions already applied for one store.
-- Parameters: :store (e.g. 'vector', 'history').
-- Returns: version, one row per applied migration.
SELECT version
FROM schema_migrations
WHERE store = :store
