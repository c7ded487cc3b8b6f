-- Purpose: bind the entries written before entries were bound to stores to the stores of the
--          instance opening the file (the first one after the upgrade), which recovers them.
-- Parameters: :stores (store binding).
-- Returns: nothing.
UPDATE journal SET stores = :stores WHERE stores IS NULL
