-- Purpose: drop the messages of a scope that neither the prompts nor the next summary refresh need:
--          all but the newest :latest, except the newest :unsummarized the summary does not cover.
-- Parameters: :scope_id, :latest, :unsummarized (message counts), :summarized_adds (adds the summary covers).
-- Returns: nothing.
DELETE FROM context_messages
WHERE scope_id = :scope_id
  AND seq NOT IN (
    SELECT seq FROM context_messages WHERE scope_id = :scope_id ORDER BY seq DESC LIMIT :latest
  )
  AND seq NOT IN (
    SELECT seq FROM context_messages WHERE scope_id = :scope_id AND add_number > :summarized_adds ORDER BY seq DESC LIMIT :unsummarized
  )
