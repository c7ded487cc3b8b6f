-- Purpose: bind the reads logged before the audit was bound to stores to the stores of the
--          instance opening the file (the first one after the upgrade).
-- Parameters: :stores (store binding).
-- Returns: nothing.
UPDATE read_audit SET stores = :stores WHERE stores IS NULL
