// Purpose: wait until every index is online: a query against a populating index fails.
// Parameters: $seconds (integer, how long to wait before failing).
// Returns: nothing.
CALL db.awaitIndexes($seconds)
