// Purpose: the entities a scope can see, by name.
// Parameters: the $user_id, $agent_id, $run_id of the {{scope}} fragments (where/*.cypher, one
//             per id the scope has), $limit (integer).
// Returns: entity (id, key, name, type, user_id, agent_id, run_id, mentions, created_at,
//          updated_at).
MATCH (e:__Entity__)
WHERE TRUE
{{scope}}
RETURN e {.id, .key, .name, .type, .user_id, .agent_id, .run_id, .mentions, .created_at, .updated_at} AS entity
ORDER BY e.name, e.id
LIMIT $limit
