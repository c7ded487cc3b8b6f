-- Purpose: WHERE fragment over `relations AS r` (or relation_records AS r), spliced at {{scope}} when the
--          scope has a run id: a scope field that is present must match exactly (visibility).
-- Parameters: ? the run id.
-- Returns: (a predicate, not a statement)
AND r.run_id = ?
