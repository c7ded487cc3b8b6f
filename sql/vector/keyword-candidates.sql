-- Purpose: every memory a read may return that holds any of the query's terms, found through the
--          FTS5 index, with its text for Engram to score (keyword-scoring.ts): FTS5's own bm25()
--          would use statistics over every scope in the file.
-- Parameters: :match (an FTS5 query of quoted terms joined by OR, built by code, never raw user
--             text), the ? of the {{scope}} predicates (vector/where/*.sql, in order).
-- Returns: seq, text; by seq.
SELECT m.seq, m.text
FROM memories_fts
JOIN memories AS m ON m.seq = memories_fts.rowid
WHERE memories_fts MATCH :match
{{scope}}
ORDER BY m.seq
