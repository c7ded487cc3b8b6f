-- Purpose: the context row, kept for these stores, of exactly one scope (absent ids match only NULL).
-- Parameters: :stores (store binding), :user_id, :agent_id, :run_id (NULL when absent).
-- Returns: id, summary, adds, summarized_adds; no row when the scope has no context.
SELECT id, summary, adds, summarized_adds
FROM context_scopes
WHERE stores = :stores AND user_id IS :user_id AND agent_id IS :agent_id AND run_id IS :run_id
