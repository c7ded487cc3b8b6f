// Purpose: after a restore, give every scope it wrote to or took an entity from a new epoch, so
//          that each mirror reloads those scopes whole (a restored entity may have moved between
//          scopes or changed its embedding, which a catch-up by generation would not see).
// Parameters: $scopes (list of {scope_key, user_id, agent_id, run_id}).
// Returns: nothing.
UNWIND $scopes AS s
MERGE (g:__EntityGeneration__ {scope_key: s.scope_key})
  ON CREATE SET g.user_id = s.user_id, g.agent_id = s.agent_id, g.run_id = s.run_id, g.value = 0
SET g.epoch = randomUUID(), g.value = g.value + 1
