-- Purpose: add provenance to a relation; memory ids it already cites are kept once.
-- Parameters: :relation_id, :memory_ids (JSON array of memory ids).
-- Returns: nothing.
INSERT OR IGNORE INTO relation_memories (relation_id, memory_id)
SELECT :relation_id, value
FROM json_each(:memory_ids)
