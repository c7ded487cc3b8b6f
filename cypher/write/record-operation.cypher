// Purpose: record, inside an apply's write transaction, that the apply with this operation id
//          committed and what it did. `__Operation__` nodes are bookkeeping, never connected to
//          `__Entity__` nodes; they live until the add's journal entry is complete, or until
//          their scope is erased (delete/scope-operations): the events name the scope's entities.
// Parameters: $id (operation id), $events (JSON text of the GraphEvent list), $now (ISO-8601),
//             $user_id, $agent_id, $run_id (the apply's exact scope; null when absent).
// Returns: nothing.
CREATE (:__Operation__ {id: $id, events: $events, created_at: $now, user_id: $user_id, agent_id: $agent_id, run_id: $run_id})
