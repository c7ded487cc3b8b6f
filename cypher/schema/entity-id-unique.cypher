// Purpose: entity ids (uuids) are unique; the index finds seeds and relation endpoints by id.
// Parameters: none.
// Returns: nothing; idempotent.
CREATE CONSTRAINT entity_id IF NOT EXISTS
FOR (e:__Entity__) REQUIRE e.id IS UNIQUE
