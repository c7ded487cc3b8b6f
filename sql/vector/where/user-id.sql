-- Purpose: WHERE fragment over `memories AS m`, spliced at {{scope}} when the scope has a user id:
--          a scope field that is present must match exactly.
-- Parameters: ? the user id.
-- Returns: (a predicate, not a statement)
AND m.user_id = ?
