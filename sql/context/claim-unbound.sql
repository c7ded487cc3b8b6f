-- Purpose: bind the context written before context was bound to stores to the stores of the
--          instance opening the file (the first one after the upgrade).
-- Parameters: :stores (store binding).
-- Returns: nothing.
UPDATE context_scopes SET stores = :stores WHERE stores IS NULL
