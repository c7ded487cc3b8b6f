// Purpose: the dimension of the stored entity embeddings (one embedding model's), checked before
//          the first write of a store with embeddings of its own (embedding-dimension.ts).
// Parameters: none.
// Returns: dimensions (integer); no row while no entity exists.
MATCH (e:__Entity__)
WHERE e.embedding IS NOT NULL
RETURN size(e.embedding) AS dimensions
LIMIT 1
