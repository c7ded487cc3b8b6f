-- Purpose: WHERE fragment over `journal AS j`, spliced at {{scope}} when the scope has a agent id:
--          a scope field that is present must match exactly (visibility).
-- Parameters: ? the agent id.
-- Returns: (a predicate, not a statement)
AND j.agent_id = ?
