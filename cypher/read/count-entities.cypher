// Purpose: how many entities exist in every scope (answered from Neo4j's count store, without
//          reading them): zero means the vector index may be replaced for another embedding model.
// Parameters: none.
// Returns: entities (integer).
MATCH (e:__Entity__)
RETURN count(e) AS entities
