// Purpose: write entities exactly as exported (src/transfer): each is created, or the one with the
//          same id gets every property replaced, so a restore run twice is one restore.
// Parameters: $entities (list of {id, key, name, type, embedding (list of floats), user_id,
//             agent_id, run_id (null when absent), scope_key, mentions (integer), created_at, updated_at (ISO-8601)}).
//          Generation 0: write/renew-entity-generations gives their scopes a new epoch after.
// Returns: written, the number of entities written; previous_scope_keys, the scopes the replaced
//          entities were in before. Another entity with the same (scope_key, key) fails the
//          entity key constraint.
UNWIND $entities AS w
MERGE (e:__Entity__ {id: w.id})
WITH w, e, e.scope_key AS previous_scope_key
SET e.key = w.key, e.name = w.name, e.type = w.type, e.embedding = w.embedding,
  e.user_id = w.user_id, e.agent_id = w.agent_id, e.run_id = w.run_id, e.scope_key = w.scope_key,
  e.mentions = w.mentions, e.created_at = w.created_at, e.updated_at = w.updated_at, e.generation = 0
RETURN count(e) AS written, [key IN collect(DISTINCT previous_scope_key) WHERE key IS NOT NULL] AS previous_scope_keys
