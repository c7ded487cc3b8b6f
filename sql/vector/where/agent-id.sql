-- Purpose: WHERE fragment over `memories AS m`, spliced at {{scope}} when the scope has a agent id:
--          a scope field that is present must match exactly.
-- Parameters: ? the agent id.
-- Returns: (a predicate, not a statement)
AND m.agent_id = ?
