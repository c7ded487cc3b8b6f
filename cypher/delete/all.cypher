// Purpose: delete every entity of every scope and their relationships (reset), in batches so
//          that a large graph does not have to fit in one transaction's memory. Runs in an
//          auto-commit transaction (CALL … IN TRANSACTIONS requires one); other labels in the
//          database are left alone.
// Parameters: none.
// Returns: nothing.
MATCH (e:__Entity__)
CALL (e) {
  DETACH DELETE e
} IN TRANSACTIONS OF 5000 ROWS
