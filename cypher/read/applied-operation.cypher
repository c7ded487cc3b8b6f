// Purpose: the events an apply recorded under its operation id (GraphChanges.operationId), so a
//          repeated apply (the journal's redo after a crash, a driver retry after a lost commit
//          acknowledgement) changes nothing and returns what the first one did.
// Parameters: $id (operation id).
// Returns: events (JSON text of the GraphEvent list); no row when no apply with this id committed.
MATCH (o:__Operation__ {id: $id})
RETURN o.events AS events
