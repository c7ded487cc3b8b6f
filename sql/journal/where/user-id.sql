-- Purpose: WHERE fragment over `journal AS j`, spliced at {{scope}} when the scope has a user id:
--          a scope field that is present must match exactly (visibility).
-- Parameters: ? the user id.
-- Returns: (a predicate, not a statement)
AND j.user_id = ?
