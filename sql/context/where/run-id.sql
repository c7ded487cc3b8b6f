-- Purpose: WHERE fragment over `context_scopes AS c`, spliced at {{scope}} when the scope has a run id:
--          a scope field that is present must match exactly (visibility).
-- Parameters: ? the run id.
-- Returns: (a predicate, not a statement)
AND c.run_id = ?
