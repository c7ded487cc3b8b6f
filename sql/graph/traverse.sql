-- Purpose: walk up to :hops relations from the seed entities, following relations in either
--          direction, never using one relation twice in a path; returns the shortest :limit paths
--          with every relation of each path, in walk order.
-- Parameters: :seeds (JSON array of distinct entity ids, best seed first), :hops (1..4), :as_of
--             (ISO-8601, or NULL for "now"), :walk_limit, :limit, and the ? of the {{scope}}
--             predicates (graph/where/relations/*.sql, in order) TWICE: once per direction.
-- Returns: path_no (1 = shortest), seed_id, path (JSON array of the path's relation ids, in walk
--          order); ordered by path_no. The relations themselves are read once each by
--          graph/select-relations: paths share most of their relations (every two-hop path from a
--          seed starts with one of its few edges), so joining relation_records per path step read
--          each about twice, and that join was two thirds of the walk's time (bench/search-latency.ts).
--
-- Validity: without :as_of a relation is followed while valid_to IS NULL (`valid_to > NULL` is
-- NULL, so the first test reduces to that); with :as_of while valid_from <= :as_of < valid_to.
-- Comparing timestamps as text is correct because Engram writes every one with
-- Date.toISOString() (same width, UTC, 'Z').
--
-- Bound: ORDER BY makes the walk a priority queue by (hops, seed rank, path), i.e. breadth first,
-- so the rows the recursion emits first are exactly the shortest paths. Its LIMIT (:walk_limit =
-- number of seeds + :limit, the seed rows included) therefore stops the walk as soon as the answer
-- is complete, however dense the graph: the work is at most :walk_limit expansions, each reading
-- the relations of one entity. The outer LIMIT keeps the result at :limit paths.
WITH RECURSIVE
  walk (seed_rank, seed_id, entity_id, hops, path) AS (
    SELECT CAST(seed.key AS INTEGER), seed.value, seed.value, 0, json_array()
    FROM json_each(:seeds) AS seed
    UNION ALL
    -- Outgoing. INDEXED BY, because without statistics the planner prefers the index of a scope
    -- column, which reads every relation of the scope for each step instead of one entity's.
    SELECT w.seed_rank, w.seed_id, r.target_id, w.hops + 1, json_insert(w.path, '$[#]', r.id)
    FROM walk AS w
    JOIN relations AS r INDEXED BY relations_source_id ON r.source_id = w.entity_id
    WHERE w.hops < :hops
      -- Ids are uuids, so the quoted id occurs in the path's JSON exactly when the path uses it.
      AND instr(w.path, '"' || r.id || '"') = 0
      AND (r.valid_to IS NULL OR r.valid_to > :as_of)
      AND (:as_of IS NULL OR r.valid_from <= :as_of)
      {{scope}}
    UNION ALL
    -- Incoming, likewise.
    SELECT w.seed_rank, w.seed_id, r.source_id, w.hops + 1, json_insert(w.path, '$[#]', r.id)
    FROM walk AS w
    JOIN relations AS r INDEXED BY relations_target_id ON r.target_id = w.entity_id
    WHERE w.hops < :hops
      -- A relation to itself was already followed by the outgoing branch.
      AND r.source_id <> r.target_id
      AND instr(w.path, '"' || r.id || '"') = 0
      AND (r.valid_to IS NULL OR r.valid_to > :as_of)
      AND (:as_of IS NULL OR r.valid_from <= :as_of)
      {{scope}}
    ORDER BY 4, 1, 5
    LIMIT :walk_limit
  )
SELECT row_number() OVER (ORDER BY hops, seed_rank, path) AS path_no, seed_id, path
FROM walk
WHERE hops > 0
ORDER BY path_no
LIMIT :limit
