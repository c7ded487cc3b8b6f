-- Purpose: WHERE fragment over `memories AS m`, spliced at {{scope}} when the scope has a run id:
--          a scope field that is present must match exactly.
-- Parameters: ? the run id.
-- Returns: (a predicate, not a statement)
AND m.run_id = ?
