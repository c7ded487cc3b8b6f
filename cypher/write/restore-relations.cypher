// Purpose: write relations of one type exactly as exported (src/transfer), validity and provenance
//          included: a relation with the same id leaving the same source is deleted first (a
//          relationship's type cannot change in place), so a restore run twice is one restore.
// Parameters: $relations (list of {id, source_id, target_id, valid_from, valid_to (null while
//             valid), mentions (integer), memory_ids, seq (integer: its position in the restore),
//             user_id, agent_id, run_id (null when absent), scope_key, created_at, updated_at}).
//             {{type}} is the relationship type, re-checked against ^[A-Z][A-Z0-9_]{0,63}$ by code
//             right before it is spliced: Cypher cannot take a type as a parameter.
// Returns: written, the number of relations written; a relation whose endpoint is not stored is
//          not written (code compares the count).
UNWIND $relations AS a
MATCH (s:__Entity__ {id: a.source_id})
MATCH (t:__Entity__ {id: a.target_id})
CALL (a, s) {
  MATCH (s)-[old]->()
  WHERE old.id = a.id
  DELETE old
}
CREATE (s)-[r:{{type}} {id: a.id, valid_from: a.valid_from, valid_to: a.valid_to, mentions: a.mentions, memory_ids: a.memory_ids, seq: a.seq,
  user_id: a.user_id, agent_id: a.agent_id, run_id: a.run_id, scope_key: a.scope_key, created_at: a.created_at, updated_at: a.updated_at}]->(t)
RETURN count(r) AS written
