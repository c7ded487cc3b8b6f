-- Purpose: store a refreshed summary of exactly one scope (of these stores), covering :covered
--          more adds. Updates nothing when the scope's context was erased (or erased and started
--          again) meanwhile: a late refresh must not bring deleted conversation back.
-- Parameters: :stores (store binding), :user_id, :agent_id, :run_id (NULL when absent), :summary, :covered.
-- Returns: nothing.
UPDATE context_scopes
SET summary = :summary, summarized_adds = summarized_adds + :covered
WHERE stores = :stores AND user_id IS :user_id AND agent_id IS :agent_id AND run_id IS :run_id
  AND adds - summarized_adds >= :covered
