// Purpose: create each entity, or mention again the one with the same (exact scope, key):
//          mentions + 1 and updated_at; its name, embedding and created_at stay as first written.
//          An entity still typed $untyped (the placeholder given to an entity no type was
//          extracted for, UNTYPED_ENTITY in normalize.ts) takes the type of the new write. Each row
//          merges and projects in its own CALL, which sees the writes of the rows before it and
//          is projected before the next row runs: a key written twice in one batch is created
//          once (reported as it was then) and mentioned again.
//          First the scope's generation advances (its node created on the scope's first write),
//          and every entity written carries the new value, so that in-process entity mirrors
//          (entity-mirror.ts) catch up by reading only what changed. MERGE on the node takes its
//          lock: concurrent writes to one scope commit in generation order.
// Parameters: $entities (list of {position, id (a fresh uuid, used only if the entity is new),
//             key, name, type, embedding
//             (list of floats)}), $scope_key, $user_id, $agent_id, $run_id (null when absent),
//             $now (ISO-8601), $untyped.
// Returns: per entity written, in order: position, created (true when this write created it),
//          entity (id, key, name, type, user_id, agent_id, run_id, mentions, created_at,
//          updated_at) as it now is.
MERGE (g:__EntityGeneration__ {scope_key: $scope_key})
  ON CREATE SET g.epoch = randomUUID(), g.value = 0, g.user_id = $user_id, g.agent_id = $agent_id, g.run_id = $run_id
SET g.value = g.value + 1
WITH g.value AS generation
UNWIND $entities AS w
CALL (w, generation) {
  MERGE (e:__Entity__ {scope_key: $scope_key, key: w.key})
    ON CREATE SET e.id = w.id, e.name = w.name, e.type = w.type, e.embedding = w.embedding,
      e.user_id = $user_id, e.agent_id = $agent_id, e.run_id = $run_id, e.mentions = 1, e.created_at = $now, e.updated_at = $now,
      e.generation = generation
    ON MATCH SET e.mentions = e.mentions + 1, e.updated_at = $now, e.generation = generation,
      e.type = CASE WHEN e.type = $untyped THEN w.type ELSE e.type END
  RETURN e.id = w.id AS created, e {.id, .key, .name, .type, .user_id, .agent_id, .run_id, .mentions, .created_at, .updated_at} AS entity
}
RETURN w.position AS position, created, entity
