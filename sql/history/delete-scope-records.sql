-- Purpose: erase every audit row a scope can see (the matching of scope-records.sql), old and new
--          texts included: deleting a user's data (deleteAll). The connection's secure_delete
--          overwrites the freed space.
-- Parameters: the ? of the {{scope}} predicates (history/where/*.sql, in order). Code refuses an
--             empty scope, which would match everything.
-- Returns: nothing (the count of deleted rows is the statement's changes).
DELETE FROM history AS h
WHERE TRUE
{{scope}}
