-- Purpose: the memories holding any of the query's terms, from the FTS5 index alone (no row of
--          memories is read): the store filters them by scope with its vector cache and scores
--          them itself (keyword-scoring.ts), since FTS5's own bm25() would use statistics over
--          every scope in the file.
-- Parameters: :match (an FTS5 query of quoted terms joined by OR, built by code, never raw user text).
-- Returns: rowid (the memory's seq); by rowid.
SELECT rowid FROM memories_fts WHERE memories_fts MATCH :match ORDER BY rowid
