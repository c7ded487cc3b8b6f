// Purpose: finds every entity of one exact scope (forgetting a memory, invalidating a relation by
//          id): the composite (scope_key, key) index serves only lookups that also name keys.
// Parameters: none.
// Returns: nothing; idempotent.
CREATE INDEX entity_scope_key IF NOT EXISTS
FOR (e:__Entity__) ON (e.scope_key)
