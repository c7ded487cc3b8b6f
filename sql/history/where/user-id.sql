-- Purpose: WHERE fragment over `history AS h`, spliced at {{scope}} when the scope has a user id:
--          a scope field that is present must match exactly (visibility).
-- Parameters: ? the user id.
-- Returns: (a predicate, not a statement)
AND h.user_id = ?
