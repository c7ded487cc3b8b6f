// Purpose: WHERE fragment over an entity bound to `e`, spliced at {{scope}} when the scope has
//          an agent id: a scope field that is present must match exactly (visibility). A plain
//          equality, so that the planner can start from the entity_agent_id index.
// Parameters: $agent_id.
// Returns: (a predicate, not a statement)
AND e.agent_id = $agent_id
