-- Purpose: the relations that cite any of the given memories as provenance, through the index on
--          relation_memories.memory_id.
-- Parameters: :memory_ids (JSON array of memory ids).
-- Returns: every column of relation_records (migration 001); oldest first.
SELECT r.*
FROM relation_records AS r
WHERE r.id IN (
  SELECT m.relation_id
  FROM relation_memories AS m
  WHERE m.memory_id IN (SELECT value FROM json_each(:memory_ids))
)
ORDER BY r.created_at, r.seq
