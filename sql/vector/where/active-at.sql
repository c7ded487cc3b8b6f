-- Purpose: WHERE fragment over `memories AS m`, spliced at {{scope}} when a read gives activeAt:
--          memories that never expire or expire after that time. ISO-8601 UTC text (what Engram
--          writes) sorts chronologically, so a text comparison is a time comparison.
-- Parameters: ? the time (ISO-8601).
-- Returns: (a predicate, not a statement)
AND (m.expires_at IS NULL OR m.expires_at > ?)
