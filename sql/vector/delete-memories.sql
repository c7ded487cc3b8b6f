-- Purpose: delete memories by id; unknown ids are ignored.
-- Parameters: :ids (JSON array of id strings).
-- Returns: seq of each deleted memory.
DELETE FROM memories
WHERE id IN (SELECT value FROM json_each(:ids))
RETURNING seq
