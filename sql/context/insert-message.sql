-- Purpose: keep one message of an add as context.
-- Parameters: :scope_id, :add_number, :role, :content, :name (NULL when absent), :created_at (ISO-8601).
-- Returns: nothing.
INSERT INTO context_messages (scope_id, add_number, role, content, name, created_at)
VALUES (:scope_id, :add_number, :role, :content, :name, :created_at)
