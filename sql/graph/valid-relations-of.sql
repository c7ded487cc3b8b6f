-- Purpose: the valid relations of exactly one scope that touch any of the given entities, as
--          either source or target (what newly extracted relations may update or contradict).
-- Parameters: :scope_key, :entity_ids (JSON array of entity ids).
-- Returns: every column of relation_records (migration 001); oldest first.
-- The relations are found through the source and target indexes, a few per entity; CROSS JOIN
-- keeps SQLite from starting at the scope_key index instead, which reads every valid relation of
-- the scope.
WITH touching (id) AS (
  SELECT o.id FROM relations AS o WHERE o.source_id IN (SELECT value FROM json_each(:entity_ids))
  UNION
  SELECT i.id FROM relations AS i WHERE i.target_id IN (SELECT value FROM json_each(:entity_ids))
)
SELECT r.*
FROM touching AS x
CROSS JOIN relation_records AS r ON r.id = x.id
WHERE r.scope_key = :scope_key
  AND r.valid_to IS NULL
ORDER BY r.created_at, r.seq
