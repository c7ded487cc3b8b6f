// Purpose: one entity per (exact scope, key) (docs/contract.md). scope_key is the exact scope as one value
//          (JSON [user_id, agent_id, run_id], null for an absent id), so `{userId:"a"}` never
//          resolves to an entity of `{userId:"a", agentId:"x"}`. The constraint's index serves
//          entity resolution, and MERGE on it locks the key, so concurrent adds cannot duplicate
//          an entity. Composite property uniqueness is available in Community Edition.
// Parameters: none.
// Returns: nothing; idempotent.
CREATE CONSTRAINT entity_scope_key_key IF NOT EXISTS
FOR (e:__Entity__) REQUIRE (e.scope_key, e.key) IS UNIQUE
