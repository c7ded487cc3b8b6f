-- Purpose: WHERE fragment over `relations AS r` (or relation_records AS r), spliced at {{scope}} when the
--          scope has a agent id: a scope field that is present must match exactly (visibility).
-- Parameters: ? the agent id.
-- Returns: (a predicate, not a statement)
AND r.agent_id = ?
