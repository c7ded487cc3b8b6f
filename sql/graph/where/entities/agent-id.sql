-- Purpose: WHERE fragment over `entities AS e`, spliced at {{scope}} when the
--          scope has a agent id: a scope field that is present must match exactly (visibility).
-- Parameters: ? the agent id.
-- Returns: (a predicate, not a statement)
AND e.agent_id = ?
