-- Purpose: the kept messages of one scope, oldest first.
-- Parameters: :scope_id.
-- Returns: add_number, role, content, name, created_at.
SELECT add_number, role, content, name, created_at
FROM context_messages
WHERE scope_id = :scope_id
ORDER BY seq
