-- Purpose: the relations a scope can see, newest first; with :valid_only, only those still valid.
-- Parameters: the ? of the {{scope}} predicates (graph/where/relations/*.sql, in order), then
--             :valid_only (1 or 0), :limit.
-- Returns: every column of relation_records (migration 001).
SELECT r.*
FROM relation_records AS r
WHERE (:valid_only = 0 OR r.valid_to IS NULL)
{{scope}}
ORDER BY r.created_at DESC, r.seq DESC
LIMIT :limit
