// Purpose: one record per operation id, so two applies of the same operation cannot both commit.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT engram_operation_id IF NOT EXISTS FOR (o:__Operation__) REQUIRE o.id IS UNIQUE
