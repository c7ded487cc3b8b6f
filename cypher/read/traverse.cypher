// Purpose: walk up to $hops relations from the seed entities, following relations in either
//          direction, never using one relation twice in a path; returns the shortest $limit paths
//          with every relation of each path, in walk order.
// Parameters: $seeds (list of distinct entity ids, best seed first), $hops (integer 1..4),
//             $limit (integer), $as_of (ISO-8601, or null for "now"), $user_id, $agent_id,
//             $run_id (visibility of the relations followed; null: unconstrained).
// Returns: one row, paths: a list of {seed_id, relations}, shortest first, then by the seed's
//          position in $seeds, then by the relation ids along the path (the SQLite store's
//          order); each relation as {id, type, valid_from, valid_to, mentions, memory_ids,
//          user_id, agent_id, run_id, created_at, updated_at, source and target as {id, name, type}}.
//
// Validity: without $as_of a relation is followed while valid_to IS NULL (`valid_to > null` is
// null, so the first test reduces to that); with $as_of while valid_from <= $as_of < valid_to.
// Comparing timestamps as strings is correct because Engram writes every one with
// Date.toISOString() (same width, UTC, 'Z').
//
// Bound: the walk goes breadth first, one level per CALL, each extending the paths of the level
// before by one relation. A level is walked only while fewer than $limit paths were found, so its
// parents number fewer than $limit and the work is at most $limit paths times the degree of their
// ends per level, however dense the graph; a variable-length pattern would enumerate every path
// of up to $hops relations before sorting, which explodes around a hub such as the user's own
// entity. A level takes its parents in order (the level before is sorted) and each parent's
// relations sorted by id, so it comes out sorted without a sort of its own, and it stops at
// $limit paths (no later one can be among the first $limit overall): the parents after that are
// never expanded, and a hub that is expanded yields at most $limit paths, though its relations are
// still read to find the first by id. Relationship uniqueness within a path is the
// NOT r IN path.relations test. The four levels repeat one pattern because Cypher cannot loop
// with state; levels beyond $hops do nothing.
CALL () {
  UNWIND range(0, size($seeds) - 1) AS rank
  CALL (rank) {
    MATCH (seed:__Entity__ {id: $seeds[rank]})-[r]-(next)
    WHERE ($user_id IS NULL OR r.user_id = $user_id)
      AND ($agent_id IS NULL OR r.agent_id = $agent_id)
      AND ($run_id IS NULL OR r.run_id = $run_id)
      AND (r.valid_to IS NULL OR r.valid_to > $as_of)
      AND ($as_of IS NULL OR r.valid_from <= $as_of)
    RETURN seed, r, next
    ORDER BY r.id
    LIMIT $limit
  }
  WITH rank, seed, r, next
  LIMIT $limit
  RETURN collect({rank: rank, seed_id: seed.id, relations: [r], end: next}) AS level1
}
CALL (level1) {
  UNWIND CASE WHEN $hops >= 2 AND size(level1) < $limit THEN level1 ELSE [] END AS path
  CALL (path) {
    WITH path.end AS at
    MATCH (at)-[r]-(next)
    WHERE NOT r IN path.relations
      AND ($user_id IS NULL OR r.user_id = $user_id)
      AND ($agent_id IS NULL OR r.agent_id = $agent_id)
      AND ($run_id IS NULL OR r.run_id = $run_id)
      AND (r.valid_to IS NULL OR r.valid_to > $as_of)
      AND ($as_of IS NULL OR r.valid_from <= $as_of)
    RETURN r, next
    ORDER BY r.id
    LIMIT $limit
  }
  WITH path, r, next
  LIMIT $limit
  RETURN collect({rank: path.rank, seed_id: path.seed_id, relations: path.relations + r, end: next}) AS level2
}
CALL (level1, level2) {
  UNWIND CASE WHEN $hops >= 3 AND size(level1) + size(level2) < $limit THEN level2 ELSE [] END AS path
  CALL (path) {
    WITH path.end AS at
    MATCH (at)-[r]-(next)
    WHERE NOT r IN path.relations
      AND ($user_id IS NULL OR r.user_id = $user_id)
      AND ($agent_id IS NULL OR r.agent_id = $agent_id)
      AND ($run_id IS NULL OR r.run_id = $run_id)
      AND (r.valid_to IS NULL OR r.valid_to > $as_of)
      AND ($as_of IS NULL OR r.valid_from <= $as_of)
    RETURN r, next
    ORDER BY r.id
    LIMIT $limit
  }
  WITH path, r, next
  LIMIT $limit
  RETURN collect({rank: path.rank, seed_id: path.seed_id, relations: path.relations + r, end: next}) AS level3
}
CALL (level1, level2, level3) {
  UNWIND CASE WHEN $hops >= 4 AND size(level1) + size(level2) + size(level3) < $limit THEN level3 ELSE [] END AS path
  CALL (path) {
    WITH path.end AS at
    MATCH (at)-[r]-(next)
    WHERE NOT r IN path.relations
      AND ($user_id IS NULL OR r.user_id = $user_id)
      AND ($agent_id IS NULL OR r.agent_id = $agent_id)
      AND ($run_id IS NULL OR r.run_id = $run_id)
      AND (r.valid_to IS NULL OR r.valid_to > $as_of)
      AND ($as_of IS NULL OR r.valid_from <= $as_of)
    RETURN r, next
    ORDER BY r.id
    LIMIT $limit
  }
  WITH path, r, next
  LIMIT $limit
  RETURN collect({rank: path.rank, seed_id: path.seed_id, relations: path.relations + r, end: next}) AS level4
}
RETURN [path IN (level1 + level2 + level3 + level4)[..$limit] | {
  seed_id: path.seed_id,
  relations: [r IN path.relations | r {.id, .valid_from, .valid_to, .mentions, .memory_ids, .user_id, .agent_id, .run_id, .created_at, .updated_at,
    type: type(r),
    source: {id: startNode(r).id, name: startNode(r).name, type: startNode(r).type},
    target: {id: endNode(r).id, name: endNode(r).name, type: endNode(r).type}}]
}] AS paths
