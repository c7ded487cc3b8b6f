-- Purpose: the memories whose keyword length is not recorded yet (written before it was, or by an
--          older Engram), for the store to count when it opens the file.
-- Parameters: :limit.
-- Returns: seq, text.
SELECT m.seq, m.text
FROM memories AS m
WHERE m.keyword_length IS NULL
LIMIT :limit
