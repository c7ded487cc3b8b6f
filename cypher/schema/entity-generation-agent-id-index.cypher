// Purpose: finds the generation nodes of the scopes a reader with a agent id can see
//          (read/entity-changes), without scanning every scope's.
// Parameters: none.
// Returns: nothing; idempotent.
CREATE INDEX entity_generation_agent_id IF NOT EXISTS
FOR (g:__EntityGeneration__) ON (g.agent_id)
