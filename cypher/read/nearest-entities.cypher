// Purpose: one round of the vector search behind similarEntities and linkEntities: each query
//          vector's k nearest entities by the entity_embedding index, of which those a scope may
//          use are kept. The index spans every scope and cannot filter, so code asks again with a
//          larger k while the round may have missed qualifying entities (neo4j-graph-store.ts,
//          #nearest).
// Parameters: $queries (list of {query: position, vector: list of floats, k: integer}),
//             $min_score (the least index score to keep: (1 + cosine) / 2),
//             $scope_key (keep only this exact scope; null: no such constraint),
//             $user_id, $agent_id, $run_id (keep only entities visible to these; null: unconstrained).
// Returns: per query that found anything: query, returned (how many entities the index returned),
//          last_score (the lowest score it returned), hits (list of {entity, score}, the kept ones).
UNWIND $queries AS q
CALL db.index.vector.queryNodes('entity_embedding', q.k, q.vector) YIELD node AS e, score
WITH q, e, score,
  score >= $min_score
    AND ($scope_key IS NULL OR e.scope_key = $scope_key)
    AND ($user_id IS NULL OR e.user_id = $user_id)
    AND ($agent_id IS NULL OR e.agent_id = $agent_id)
    AND ($run_id IS NULL OR e.run_id = $run_id) AS kept
RETURN q.query AS query, count(e) AS returned, min(score) AS last_score,
  collect(CASE WHEN kept THEN {
    entity: e {.id, .key, .name, .type, .user_id, .agent_id, .run_id, .mentions, .created_at, .updated_at},
    score: score
  } END) AS hits
