// Purpose: forget the records of applies whose journal entries are complete (or all of them on reset).
// Parameters: $ids (list of operation ids), or null for every record.
// Returns: nothing.
MATCH (o:__Operation__)
WHERE $ids IS NULL OR o.id IN $ids
DELETE o
