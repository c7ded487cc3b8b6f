// Purpose: finds the entities a scope with a run id can see (reads and deletes by visibility,
//          where/run-id.cypher), and through them their relations.
// Parameters: none.
// Returns: nothing; idempotent.
CREATE INDEX entity_run_id IF NOT EXISTS
FOR (e:__Entity__) ON (e.run_id)
