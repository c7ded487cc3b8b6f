-- Purpose: record, inside an apply's transaction, that the apply with this operation id committed.
-- Parameters: :id, :events (JSON text of the GraphEvent list), :created_at (ISO-8601).
-- Returns: nothing.
INSERT INTO applied_operations (id, events, created_at) VALUES (:id, :events, :created_at)
