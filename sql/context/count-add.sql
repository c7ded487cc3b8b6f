-- Purpose: count one more add of a scope toward its next summary refresh.
-- Parameters: :id (context_scopes.id).
-- Returns: adds (the new count, which numbers the add's messages) and summarized_adds.
UPDATE context_scopes
SET adds = adds + 1
WHERE id = :id
RETURNING adds, summarized_adds
