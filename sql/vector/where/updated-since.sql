-- Purpose: WHERE fragment over `memories AS m`, spliced at {{scope}} when a read gives
--          updatedSince (retention by age): memories updated at or after that time.
-- Parameters: ? the time (ISO-8601).
-- Returns: (a predicate, not a statement)
AND m.updated_at >= ?
