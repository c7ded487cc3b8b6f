// Purpose: delete the operation records of every apply a scope can see (the predicates of the
//          reads, over the record bound to `e`), so that erasing a scope leaves no event text of
//          it behind, whether its journal entry finished, is unfinished, or was lost in a crash.
// Parameters: the $user_id, $agent_id, $run_id of the {{scope}} fragments (where/*.cypher, one
//             per id the scope has). Code refuses an empty scope, which would match everything.
// Returns: nothing.
MATCH (e:__Operation__)
WHERE TRUE
{{scope}}
DELETE e
