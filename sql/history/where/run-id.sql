-- Purpose: WHERE fragment over `history AS h`, spliced at {{scope}} when the scope has a run id:
--          a scope field that is present must match exactly (visibility).
-- Parameters: ? the run id.
-- Returns: (a predicate, not a statement)
AND h.run_id = ?
