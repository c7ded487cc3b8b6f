-- Purpose: forget the records of applies whose journal entries are complete.
-- Parameters: :ids (JSON array of operation ids).
-- Returns: nothing.
DELETE FROM applied_operations WHERE id IN (SELECT value FROM json_each(:ids))
