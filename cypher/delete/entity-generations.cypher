// Purpose: delete the generation nodes of every scope a deleted scope could see (with
//          delete/scope), or of every scope (with reset: no fragments). Mirrors then drop those
//          scopes, and a scope written again starts a new epoch.
// Parameters: the $user_id, $agent_id, $run_id of the {{scope}} fragments (where/*.cypher; they
//             name the generation node `e`).
// Returns: nothing.
MATCH (e:__EntityGeneration__)
WHERE TRUE
{{scope}}
DELETE e
