// Purpose: the entities of exactly one scope with any of the given keys (entity resolution and the
//          endpoints of asserted relations), through the (scope_key, key) uniqueness index.
// Parameters: $scope_key (the exact scope), $keys (list of keys).
// Returns: entity (id, key, name, type, user_id, agent_id, run_id, mentions, created_at,
//          updated_at); by key.
MATCH (e:__Entity__)
WHERE e.scope_key = $scope_key AND e.key IN $keys
RETURN e {.id, .key, .name, .type, .user_id, .agent_id, .run_id, .mentions, .created_at, .updated_at} AS entity
ORDER BY e.key
