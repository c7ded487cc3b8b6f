// Purpose: drop the entity vector index so that it can be created for another dimension. Code
//          does this only when no entity has an embedding (a reset store meeting a new model).
// Parameters: none.
// Returns: nothing.
DROP INDEX entity_embedding IF EXISTS
