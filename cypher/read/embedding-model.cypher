// Purpose: the graph's embedding model tag and the model an unfinished reembed moves it to,
//          kept on one __EngramEmbedding__ node (a graph from before the tag has none).
// Parameters: none.
// Returns: model, reembed_to (strings or null); no row while the graph is untagged.
MATCH (tag:__EngramEmbedding__)
RETURN tag.model AS model, tag.reembed_to AS reembed_to
LIMIT 1
