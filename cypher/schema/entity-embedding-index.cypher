// Purpose: the vector index over entity name embeddings (cosine), created on the first write that
//          brings embeddings, since their dimension comes from the embedding model. Quantization
//          is off: it shifted similarities by ~0.002, enough to move entities across
//          graph.entityThreshold.
// Parameters: $dimensions (integer, the embeddings' length).
// Returns: nothing; idempotent (an existing index keeps its dimension, see
//          entity-embedding-dimensions).
CREATE VECTOR INDEX entity_embedding IF NOT EXISTS
FOR (e:__Entity__) ON e.embedding
OPTIONS { indexConfig: { `vector.dimensions`: $dimensions, `vector.similarity_function`: 'cosine', `vector.quantization.enabled`: false } }
