-- Purpose: record that one migration of one store has been applied.
-- Parameters: :store, :version (the NNN of the file), :name (the rest of the file name), :applied_at (ISO-8601).
-- Returns: nothing.
INSERT INTO schema_migrations (store, version, name, applied_at)
VALUES (:store, :version, :name, :applied_at)
