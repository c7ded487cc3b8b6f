// Purpose: on open, give entities written before generations existed (no `generation` property) a
//          generation, and their scope a generation node, so that mirrors find them. Runs once per
//          open; after the first, it finds nothing to adopt (a label scan, no writes).
// Parameters: none.
// Returns: adopted, the number of entities adopted.
MATCH (n:__Entity__)
WHERE n.generation IS NULL
WITH n.scope_key AS scope_key, collect(n) AS entities
MERGE (g:__EntityGeneration__ {scope_key: scope_key})
  ON CREATE SET g.epoch = randomUUID(), g.value = 0,
    g.user_id = entities[0].user_id, g.agent_id = entities[0].agent_id, g.run_id = entities[0].run_id
SET g.value = g.value + 1
FOREACH (n IN entities | SET n.generation = g.value)
RETURN sum(size(entities)) AS adopted
