-- Purpose: WHERE fragment over `journal AS j`, spliced at {{scope}} when the scope has a run id:
--          a scope field that is present must match exactly (visibility).
-- Parameters: ? the run id.
-- Returns: (a predicate, not a statement)
AND j.run_id = ?
