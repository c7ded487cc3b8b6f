// Purpose: assert relations of one type, in order: reinforce the valid relation with the same
//          endpoints, type and scope (mentions + 1, updated_at, memory ids merged) or start a new
//          one with its own validity interval. An invalidated relation is never reopened: only
//          valid ones are reinforced. Each row's check and write run in one CALL, which sees the writes
//          of the rows before it (clause by clause, a later row's check would run before an
//          earlier row's write), so asserting one triple twice in a batch adds it once and then
//          reinforces it. The relation is projected inside the CALL too: projected after it, a
//          row's result could already show the writes of later rows.
//          Setting the source's mentions to itself takes its write lock before the check, so two
//          concurrent adds of one triple cannot both start a relation (a deadlock between them is
//          retried by the driver).
// Parameters: $asserts (list of {position, id (a fresh uuid, used only if the relation is new),
//             source_key, target_key (the endpoints' keys in the exact scope, found through the
//             (scope_key, key) uniqueness index, so entities written earlier in the same
//             transaction are found without their ids being read first), valid_from (ISO-8601),
//             memory_ids (distinct)}), $scope_key,
//             $user_id, $agent_id, $run_id (null when absent), $now (ISO-8601). {{type}} is the
//             relationship type, re-checked against ^[A-Z][A-Z0-9_]{0,63}$ by code right before it
//             is spliced: Cypher cannot take a type as a parameter.
// Returns: per assert, in order: position, added (true when a relation was started), relation
//          (id, type, valid_from, valid_to, mentions, memory_ids, user_id, agent_id, run_id,
//          created_at, updated_at, source and target as {id, name, type}) as it now is. A row
//          whose endpoint does not exist in the scope returns nothing (code then fails the apply).
UNWIND $asserts AS a
MATCH (s:__Entity__ {scope_key: $scope_key, key: a.source_key})
MATCH (t:__Entity__ {scope_key: $scope_key, key: a.target_key})
CALL (a, s, t) {
  SET s.mentions = s.mentions
  WITH a, s, t
  OPTIONAL MATCH (s)-[valid:{{type}}]->(t)
  WHERE valid.scope_key = $scope_key AND valid.valid_to IS NULL
  CALL (a, s, t, valid) {
    WITH a, valid WHERE valid IS NOT NULL
    SET valid.mentions = valid.mentions + 1, valid.updated_at = $now,
      valid.memory_ids = valid.memory_ids + [id IN a.memory_ids WHERE NOT id IN valid.memory_ids]
    RETURN valid AS r, false AS added
    UNION ALL
    WITH a, s, t, valid WHERE valid IS NULL
    CREATE (s)-[r:{{type}} {id: a.id, valid_from: a.valid_from, valid_to: null, mentions: 1, memory_ids: a.memory_ids, seq: a.position,
      user_id: $user_id, agent_id: $agent_id, run_id: $run_id, scope_key: $scope_key, created_at: $now, updated_at: $now}]->(t)
    RETURN r, true AS added
  }
  RETURN added, r {.id, .valid_from, .valid_to, .mentions, .memory_ids, .user_id, .agent_id, .run_id, .created_at, .updated_at,
    type: type(r), source: s {.id, .name, .type}, target: t {.id, .name, .type}} AS relation
}
RETURN a.position AS position, added, relation
