// Purpose: the valid relations of exactly one scope that touch any of the given entities, as
//          either source or target (what newly extracted relations may update or contradict).
//          Found from the entities by id, a few relationships each.
// Parameters: $scope_key (the exact scope), $entity_ids (list of entity ids).
// Returns: relation (id, type, valid_from, valid_to, mentions, memory_ids, user_id, agent_id,
//          run_id, created_at, updated_at, source and target as {id, name, type}); oldest first.
UNWIND $entity_ids AS entity_id
MATCH (:__Entity__ {id: entity_id})-[r]-()
WHERE r.scope_key = $scope_key AND r.valid_to IS NULL
WITH DISTINCT r
MATCH (s)-[r]->(t)
RETURN r {.id, .valid_from, .valid_to, .mentions, .memory_ids, .user_id, .agent_id, .run_id, .created_at, .updated_at,
  type: type(r), source: s {.id, .name, .type}, target: t {.id, .name, .type}} AS relation
ORDER BY r.created_at, r.seq, r.id
