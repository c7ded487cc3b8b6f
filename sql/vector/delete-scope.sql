-- Purpose: delete every memory a scope can see (the same predicates as the reads).
-- Parameters: the ? of the {{scope}} predicates (vector/where/*.sql, in order). Code refuses an
--             empty scope, which would match everything.
-- Returns: id and seq of each deleted memory.
DELETE FROM memories AS m
WHERE TRUE
{{scope}}
RETURNING id, seq
