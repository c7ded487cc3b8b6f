-- Purpose: erase the unfinished entries, written for these stores, of every scope a scope can
--          see (the matching of reads), so that no recovery writes erased data back.
-- Parameters: :stores (store binding), then the ? of the {{scope}} predicates (journal/where/*.sql,
--             in order). Code refuses an empty scope, which would match everything.
-- Returns: nothing.
DELETE FROM journal AS j
WHERE j.stores = :stores
{{scope}}
