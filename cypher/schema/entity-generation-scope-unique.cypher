// Purpose: one __EntityGeneration__ node per exact scope (scope_key): the counter that entity
//          writes of that scope advance and in-process entity mirrors follow (entity-mirror.ts).
//          Unique, so that MERGE on it is safe under concurrent writers and takes its lock.
// Parameters: none.
// Returns: nothing; idempotent.
CREATE CONSTRAINT entity_generation_scope_key IF NOT EXISTS
FOR (g:__EntityGeneration__) REQUIRE g.scope_key IS UNIQUE
