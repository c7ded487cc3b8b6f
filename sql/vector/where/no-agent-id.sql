-- Purpose: WHERE fragment over `memories AS m`, spliced at {{scope}} when a read of exactly one
--          scope (ScopeFilter.exactScope) has no agent id: only memories without one match.
-- Parameters: none.
-- Returns: (a predicate, not a statement)
AND m.agent_id IS NULL
