-- Purpose: the relations whose only provenance is one memory (forgetMemory removes them).
-- Parameters: :memory_id.
-- Returns: every column of relation_records (migration 001); oldest first.
SELECT r.*
FROM relation_records AS r
WHERE r.id IN (SELECT m.relation_id FROM relation_memories AS m WHERE m.memory_id = :memory_id)
  AND NOT EXISTS (SELECT 1 FROM relation_memories AS o WHERE o.relation_id = r.id AND o.memory_id <> :memory_id)
ORDER BY r.created_at, r.seq
