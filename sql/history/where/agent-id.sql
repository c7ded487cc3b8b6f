-- Purpose: WHERE fragment over `history AS h`, spliced at {{scope}} when the scope has an agent id:
--          a scope field that is present must match exactly (visibility).
-- Parameters: ? the agent id.
-- Returns: (a predicate, not a statement)
AND h.agent_id = ?
