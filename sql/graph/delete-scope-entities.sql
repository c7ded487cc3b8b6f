-- Purpose: delete every entity a scope can see (the predicates of the reads). Run after
--          delete-scope-relations; any relation left touching them would follow by ON DELETE CASCADE.
-- Parameters: the ? of the {{scope}} predicates (graph/where/entities/*.sql, in order). Code
--             refuses an empty scope, which would match everything.
-- Returns: nothing.
DELETE FROM entities AS e
WHERE TRUE
{{scope}}
