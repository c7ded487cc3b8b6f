// Purpose: WHERE fragment over an entity bound to `e`, spliced at {{scope}} when the scope has
//          a user id: a scope field that is present must match exactly (visibility). A plain
//          equality, so that the planner can start from the entity_user_id index.
// Parameters: $user_id.
// Returns: (a predicate, not a statement)
AND e.user_id = $user_id
