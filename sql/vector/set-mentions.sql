-- Purpose: set how often one memory was stated (absolute, so a redo changes nothing); nothing
--          else changes, updated_at included. An unknown id changes nothing.
-- Parameters: :id, :mentions (>= 1).
-- Returns: nothing.
UPDATE memories
SET mentions = :mentions
WHERE id = :id
