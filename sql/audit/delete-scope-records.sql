-- Purpose: erase every logged read of these stores that a scope can see (the matching of
--          scope-records.sql): deleting a user's data (deleteAll) removes what they searched for too.
-- Parameters: :stores (store binding), then the ? of the {{scope}} predicates (audit/where/*.sql,
--             in order). Code refuses an empty scope, which would match everything.
-- Returns: nothing.
DELETE FROM read_audit AS a
WHERE a.stores = :stores
{{scope}}
