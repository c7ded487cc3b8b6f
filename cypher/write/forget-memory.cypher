// Purpose: drop one deleted memory from the provenance of the relations of exactly one scope:
//          relations it was the only provenance of are deleted, the others just lose it. Their
//          entities stay. The relations are found from the scope's entities (scope_key index),
//          never by reading another scope's relationships.
// Parameters: $memory_id, $scope_key.
// Returns: relation (id, type, valid_from, valid_to, mentions, memory_ids, user_id, agent_id,
//          run_id, created_at, updated_at, source and target as {id, name, type}) as it was, for
//          each relation deleted; oldest first.
MATCH (s:__Entity__ {scope_key: $scope_key})-[r]->(t)
USING INDEX s:__Entity__(scope_key)
WHERE r.scope_key = $scope_key AND $memory_id IN r.memory_ids
WITH s, r, t, r.memory_ids = [$memory_id] AS sole,
  r {.id, .valid_from, .valid_to, .mentions, .memory_ids, .user_id, .agent_id, .run_id, .created_at, .updated_at,
    type: type(r), source: s {.id, .name, .type}, target: t {.id, .name, .type}} AS relation,
  [r.created_at, r.seq, r.id] AS age
CALL (r, sole) {
  WITH r WHERE NOT sole
  SET r.memory_ids = [id IN r.memory_ids WHERE id <> $memory_id]
}
CALL (r, sole) {
  WITH r WHERE sole
  DELETE r
}
WITH relation, age WHERE sole
RETURN relation
ORDER BY age
