// Purpose: WHERE fragment over an entity bound to `e`, spliced at {{scope}} when the scope has
//          a run id: a scope field that is present must match exactly (visibility). A plain
//          equality, so that the planner can start from the entity_run_id index.
// Parameters: $run_id.
// Returns: (a predicate, not a statement)
AND e.run_id = $run_id
