-- Purpose: WHERE fragment over `read_audit AS a`, spliced at {{scope}} when the scope has a run id:
--          a scope field that is present must match exactly (visibility).
-- Parameters: ? the run id.
-- Returns: (a predicate, not a statement)
AND a.run_id = ?
