-- Purpose: link a query to the entities a scope can see: those whose name embedding is at least
--          :min_similarity similar to the query vector, or whose match text occurs in the query's
--          match text (whole words, since both are space-padded by normalize.ts matchText).
--          Keyword links first, then by similarity.
-- Parameters: the ? of the {{scope}} predicates (graph/where/entities/*.sql, in order), :vector
--             (Float32 BLOB), :text (matchText of the query, a value compared with instr, never
--             part of the statement), :min_similarity, :limit.
-- Returns: id, key, name, type, user_id, agent_id, run_id, mentions, created_at, updated_at,
--          similarity, keyword (1 or 0); best first.
-- The CTE is MATERIALIZED so that blob_similarity runs once per entity: inlined, the filter and
-- the ORDER BY would each evaluate it again.
WITH scored AS MATERIALIZED (
  SELECT e.id, e.key, e.name, e.type, e.user_id, e.agent_id, e.run_id, e.mentions, e.created_at, e.updated_at,
    blob_similarity(e.embedding, :vector) AS similarity,
    coalesce(instr(:text, e.match_text) > 0, 0) AS keyword
  FROM entities AS e
  WHERE TRUE
  {{scope}}
)
SELECT *
FROM scored
WHERE keyword OR similarity >= :min_similarity
ORDER BY keyword DESC, similarity DESC, id
LIMIT :limit
