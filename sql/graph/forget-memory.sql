-- Purpose: drop one memory from the provenance of every relation that cites it.
-- Parameters: :memory_id.
-- Returns: nothing.
DELETE FROM relation_memories
WHERE memory_id = :memory_id
