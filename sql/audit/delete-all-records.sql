-- Purpose: empty the read audit of these stores (reset).
-- Parameters: :stores (store binding).
-- Returns: nothing.
DELETE FROM read_audit WHERE stores = :stores
