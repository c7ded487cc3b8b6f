-- Purpose: each memory's length in keyword terms (keyword-scoring.ts keywordTerms), so that a
--          search can average it over the memories of its scope alone: BM25's length
--          normalisation must not depend on other tenants' memories.
-- Parameters: none (multi-statement migration, applied once per database file).
-- Returns: nothing.

-- NULL until code has counted the terms: SQL cannot tokenize as Engram does, so the store fills
-- the rows a migration leaves (and any an older Engram writes) when it opens the file.
ALTER TABLE memories ADD COLUMN keyword_length INTEGER CHECK (keyword_length >= 0);
