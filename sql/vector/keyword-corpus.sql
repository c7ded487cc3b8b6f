-- Purpose: the keyword statistics of the memories a read's scope, metadata and type admit (predicates inside the query):
--          how many there are and their mean length in keyword terms, BM25's corpus for one scope.
-- Parameters: the ? of the {{scope}} predicates (vector/where/*.sql, in order).
-- Returns: one row: documents, average_length (0 when there are none).
SELECT count(*) AS documents, coalesce(avg(m.keyword_length), 0) AS average_length
FROM memories AS m
WHERE TRUE
{{scope}}
