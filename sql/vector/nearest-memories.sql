-- Purpose: exact k-nearest neighbours of a query vector among the memories a scope can see. The
--          scope and metadata predicates sit in this WHERE clause, so the k are the best k *of the
--          scope*, never a global top-k filtered afterwards.
-- Parameters: :query (the handle of a query vector registered with vector_similarity, see
--             vector-cache.ts), the ? of the {{scope}} predicates (vector/where/*.sql, in order), :limit.
-- Returns: id, text, hash, metadata, user_id, agent_id, run_id, created_at, updated_at, observed_at, similarity
--          (dot product = cosine, vectors being L2-normalised), best first.
SELECT m.id, m.text, m.hash, m.metadata, m.user_id, m.agent_id, m.run_id, m.created_at, m.updated_at, m.observed_at, vector_similarity(m.seq, :query) AS similarity
FROM memories AS m
WHERE TRUE
{{scope}}
ORDER BY similarity DESC, m.seq
LIMIT :limit
