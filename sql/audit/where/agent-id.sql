-- Purpose: WHERE fragment over `read_audit AS a`, spliced at {{scope}} when the scope has an agent id:
--          a scope field that is present must match exactly (visibility).
-- Parameters: ? the agent id.
-- Returns: (a predicate, not a statement)
AND a.agent_id = ?
