// Purpose: the relations a scope can see, newest first; with $valid_only, only those still valid.
//          A relation has the exact scope of its two entities, so the relations a scope can see
//          are those leaving the entities it can see: the scope index finds the entities, and no
//          relationship of another scope is read.
// Parameters: the $user_id, $agent_id, $run_id of the {{scope}} fragments (where/*.cypher, one
//             per id the scope has), $valid_only (boolean), $limit (integer).
// Returns: relation (id, type, valid_from, valid_to, mentions, memory_ids, user_id, agent_id,
//          run_id, created_at, updated_at, source and target as {id, name, type}). Relations of
//          one add share created_at and are ordered by seq, their position in the add.
MATCH (e:__Entity__)
WHERE TRUE
{{scope}}
MATCH (e)-[r]->(t)
WHERE NOT $valid_only OR r.valid_to IS NULL
RETURN r {.id, .valid_from, .valid_to, .mentions, .memory_ids, .user_id, .agent_id, .run_id, .created_at, .updated_at,
  type: type(r), source: e {.id, .name, .type}, target: t {.id, .name, .type}} AS relation
ORDER BY r.created_at DESC, r.seq DESC, r.id DESC
LIMIT $limit
