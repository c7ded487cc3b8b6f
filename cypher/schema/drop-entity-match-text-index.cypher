// Purpose: drop the full-text index on entity names that versions before the keyword linking
//          moved into the in-process mirror (entity-mirror.ts) created: nothing reads it any
//          more, and every entity write would still pay for keeping it current.
// Parameters: none.
// Returns: nothing; idempotent.
DROP INDEX entity_match_text IF EXISTS
