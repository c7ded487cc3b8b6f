-- Purpose: delete the operation records of every apply a scope can see (the predicates of the
--          reads): their events name the scope's entities and relations.
-- Parameters: the ? of the {{scope}} predicates (graph/where/entities/*.sql, which name the
--             table `e`, in order). Code refuses an empty scope, which would match everything.
-- Returns: nothing.
DELETE FROM applied_operations AS e
WHERE TRUE
{{scope}}
