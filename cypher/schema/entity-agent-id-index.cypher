// Purpose: finds the entities a scope with a agent id can see (reads and deletes by visibility,
//          where/agent-id.cypher), and through them their relations.
// Parameters: none.
// Returns: nothing; idempotent.
CREATE INDEX entity_agent_id IF NOT EXISTS
FOR (e:__Entity__) ON (e.agent_id)
