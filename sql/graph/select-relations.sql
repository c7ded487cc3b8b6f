-- Purpose: relations by id with their provenance (the relations of the paths graph/traverse found).
--          The endpoints' names and types come from the connection's in-memory entities
--          (entity-cache.ts): joining `entities` twice per relation was half of this read's time.
-- Parameters: :ids (JSON array of relation ids).
-- Returns: id, type, valid_from, valid_to, mentions, user_id, agent_id, run_id, created_at,
--          updated_at, source_id, target_id, memory_ids (JSON array, sorted); in no particular order.
SELECT r.id, r.type, r.valid_from, r.valid_to, r.mentions, r.user_id, r.agent_id, r.run_id, r.created_at, r.updated_at,
  r.source_id, r.target_id,
  (SELECT json_group_array(m.memory_id ORDER BY m.memory_id) FROM relation_memories AS m WHERE m.relation_id = r.id) AS memory_ids
FROM relations AS r
WHERE r.id IN (SELECT value FROM json_each(:ids))
