// Purpose: finds the entities a scope with a user id can see (reads and deletes by visibility,
//          where/user-id.cypher), and through them their relations.
// Parameters: none.
// Returns: nothing; idempotent.
CREATE INDEX entity_user_id IF NOT EXISTS
FOR (e:__Entity__) ON (e.user_id)
