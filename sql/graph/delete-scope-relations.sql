-- Purpose: delete every relation a scope can see (the predicates of the reads); provenance rows
--          follow by ON DELETE CASCADE.
-- Parameters: the ? of the {{scope}} predicates (graph/where/relations/*.sql, in order). Code
--             refuses an empty scope, which would match everything.
-- Returns: nothing.
DELETE FROM relations AS r
WHERE TRUE
{{scope}}
