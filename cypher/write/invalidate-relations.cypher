// Purpose: end the validity of valid relations of exactly one scope, by id; the relations are
//          kept. Relationship property indexes exist only per relationship type, and an id does
//          not say its type, so the relations are found from the scope's entities (scope_key
//          index): one pass over that scope's relationships for all the ids, never another
//          scope's.
// Parameters: $valid_to (map from relation id to its ISO-8601 valid_to), $scope_key, $now (ISO-8601).
// Returns: relation (id, type, valid_from, valid_to, mentions, memory_ids, user_id, agent_id,
//          run_id, created_at, updated_at, source and target as {id, name, type}) per relation
//          ended; an id that is unknown, of another scope or already invalid returns nothing.
MATCH (s:__Entity__ {scope_key: $scope_key})-[r]->(t)
USING INDEX s:__Entity__(scope_key)
WHERE r.id IN keys($valid_to) AND r.valid_to IS NULL AND r.scope_key = $scope_key
SET r.valid_to = $valid_to[r.id], r.updated_at = $now
RETURN r {.id, .valid_from, .valid_to, .mentions, .memory_ids, .user_id, .agent_id, .run_id, .created_at, .updated_at,
  type: type(r), source: s {.id, .name, .type}, target: t {.id, .name, .type}} AS relation
