// Purpose: the entities a scope can see whose name occurs in a query as whole words: the
//          entity_match_text full-text index proposes entities sharing a word with the query (and,
//          roughly, the scope's ids), then the exact test decides, the same as the SQLite store's:
//          the entity's match text occurs in the query's (both space-padded, see normalize.ts
//          matchText).
// Parameters: $lucene_queries (list of Lucene queries built by code from the query's words and
//             the scope, every word quoted and escaped; user text never reaches Lucene syntax
//             raw), $text (matchText of the query), $vector (the query embedding; null for a zero
//             vector, which has no cosine),
//             $user_id, $agent_id, $run_id (visibility; null: unconstrained).
// Returns: entity (id, key, name, type, user_id, agent_id, run_id, mentions, created_at,
//          updated_at) and score, the cosine index score (1 + cosine) / 2 of its embedding and
//          $vector (null when $vector is null).
UNWIND $lucene_queries AS lucene
CALL db.index.fulltext.queryNodes('entity_match_text', lucene) YIELD node AS e
WITH DISTINCT e
WHERE e.match_text IS NOT NULL AND $text CONTAINS e.match_text
  AND ($user_id IS NULL OR e.user_id = $user_id)
  AND ($agent_id IS NULL OR e.agent_id = $agent_id)
  AND ($run_id IS NULL OR e.run_id = $run_id)
RETURN e {.id, .key, .name, .type, .user_id, .agent_id, .run_id, .mentions, .created_at, .updated_at} AS entity,
  vector.similarity.cosine(e.embedding, $vector) AS score
