-- Purpose: how many of these ids are stored entities (a restore checks relation endpoints with it).
-- Parameters: :ids (JSON array of distinct entity ids).
-- Returns: one integer.
SELECT count(*) FROM entities WHERE id IN (SELECT value FROM json_each(:ids))
