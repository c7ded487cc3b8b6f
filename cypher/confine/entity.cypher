// Purpose: the label test memory.graph.cypher() puts on every node pattern of a confined query
//          (src/adapters/neo4j/cypher-confinement/): only Engram entities are visible. {{element}}
//          is the pattern's variable (a fresh one for an anonymous pattern).
// Parameters: none.
// Returns: (a predicate, not a statement)
{{element}}:__Entity__
