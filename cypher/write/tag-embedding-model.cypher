// Purpose: record the graph's embedding model tag and the model a reembed moves it to (null:
//          none), on the one __EngramEmbedding__ node, created the first time.
// Parameters: $model, $reembed_to (strings or null).
// Returns: nothing.
MERGE (tag:__EngramEmbedding__ {name: 'embedding'})
SET tag.model = $model, tag.reembed_to = $reembed_to
