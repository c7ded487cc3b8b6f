// Purpose: record, inside an apply's write transaction, that the apply with this operation id
//          committed and what it did. `__Operation__` nodes are bookkeeping, never connected to
//          `__Entity__` nodes; they live until the add's journal entry is complete.
// Parameters: $id (operation id), $events (JSON text of the GraphEvent list), $now (ISO-8601).
// Returns: nothing.
CREATE (:__Operation__ {id: $id, events: $events, created_at: $now})
