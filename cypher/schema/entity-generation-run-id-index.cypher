// Purpose: finds the generation nodes of the scopes a reader with a run id can see
//          (read/entity-changes), without scanning every scope's.
// Parameters: none.
// Returns: nothing; idempotent.
CREATE INDEX entity_generation_run_id IF NOT EXISTS
FOR (g:__EntityGeneration__) ON (g.run_id)
