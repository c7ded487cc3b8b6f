-- Purpose: erase the context of every scope of these stores (reset); the messages go with their
--          scope rows (ON DELETE CASCADE).
-- Parameters: :stores (store binding).
-- Returns: nothing.
DELETE FROM context_scopes WHERE stores = :stores
