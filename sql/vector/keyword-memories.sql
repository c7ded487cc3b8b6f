-- Purpose: BM25 keyword search among the memories a scope can see (predicates inside the query),
--          with each hit's vector similarity so that keyword-only hits can report it too.
-- Parameters: :match (an FTS5 query of quoted tokens joined by OR, built by code, never raw user
--             text), the ? of the {{scope}} predicates (vector/where/*.sql, in order), :limit,
--             :query (the handle of a query vector registered with vector_similarity).
-- Returns: id, text, hash, metadata, user_id, agent_id, run_id, created_at, updated_at, observed_at,
--          expires_at, memory_type, mentions, keyword_score (-bm25, higher is better), similarity; best keyword score first.
-- The CTE is MATERIALIZED so that the similarity is computed for the :limit survivors only, not for
-- every row the tokens match.
WITH ranked AS MATERIALIZED (
  SELECT m.seq, -bm25(memories_fts) AS keyword_score
  FROM memories_fts
  JOIN memories AS m ON m.seq = memories_fts.rowid
  WHERE memories_fts MATCH :match
  {{scope}}
  ORDER BY keyword_score DESC, m.seq
  LIMIT :limit
)
SELECT m.id, m.text, m.hash, m.metadata, m.user_id, m.agent_id, m.run_id, m.created_at, m.updated_at, m.observed_at, m.expires_at, m.memory_type, m.mentions, r.keyword_score, vector_similarity(m.seq, :query) AS similarity
FROM ranked AS r
JOIN memories AS m ON m.seq = r.seq
ORDER BY r.keyword_score DESC, m.seq
