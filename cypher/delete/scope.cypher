// Purpose: delete every entity a scope can see (the predicates of the reads) with its
//          relationships. A relation has the exact scope of its entities, so these are exactly
//          the relations the scope can see.
// Parameters: the $user_id, $agent_id, $run_id of the {{scope}} fragments (where/*.cypher, one
//             per id the scope has). Code refuses an empty scope, which would match everything.
// Returns: nothing.
MATCH (e:__Entity__)
WHERE TRUE
{{scope}}
DETACH DELETE e
