// Purpose: finds the entities of one scope written since a generation (read/entity-changes), so
//          that an entity mirror catching up reads what changed, not the whole scope.
// Parameters: none.
// Returns: nothing; idempotent.
CREATE INDEX entity_scope_generation IF NOT EXISTS
FOR (e:__Entity__) ON (e.scope_key, e.generation)
