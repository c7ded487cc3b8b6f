-- Purpose: drop a relation's provenance, before a restore writes the exported memory ids again
--          with graph/add-relation-memories (src/transfer).
-- Parameters: :relation_id.
-- Returns: nothing.
DELETE FROM relation_memories WHERE relation_id = :relation_id
