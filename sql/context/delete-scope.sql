-- Purpose: erase the context, kept for these stores, of every scope a scope can see (the matching
--          of reads); the messages go with their scope row (ON DELETE CASCADE).
-- Parameters: :stores (store binding), then the ? of the {{scope}} predicates (context/where/*.sql,
--             in order). Code refuses an empty scope, which would match everything.
-- Returns: nothing.
DELETE FROM context_scopes AS c
WHERE c.stores = :stores
{{scope}}
