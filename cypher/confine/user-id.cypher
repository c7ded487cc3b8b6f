// Purpose: the visibility test memory.graph.cypher() puts on every node and relationship pattern
//          of a query confined to a scope with a user id: the same rule as where/user-id.cypher (a
//          present scope id must match exactly), over the pattern's variable {{element}}. The
//          parameter has a reserved name, so that a caller's parameters cannot replace it.
// Parameters: $__engram_user_id.
// Returns: (a predicate, not a statement)
{{element}}.user_id = $__engram_user_id
