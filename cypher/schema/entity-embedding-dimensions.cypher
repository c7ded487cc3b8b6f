// Purpose: the dimension of the entity vector index, if there is one.
// Parameters: none.
// Returns: dimensions (integer); no row when the index does not exist yet.
SHOW VECTOR INDEXES YIELD name, options
WHERE name = 'entity_embedding'
RETURN options.indexConfig.`vector.dimensions` AS dimensions
