-- Purpose: replace the content of one memory; its scope, created_at and memory_type stay as they were.
-- Parameters: :id, :text, :hash, :metadata (JSON object text), :updated_at, :observed_at (ISO-8601),
--             :expires_at (ISO-8601 or NULL: never), :mentions (>= 1), :keyword_length (terms in the
--             text), :vector (Float32 BLOB).
-- Returns: seq, user_id, agent_id, run_id, memory_type of the updated memory (for the vector
--          cache); no row when no memory has that id.
UPDATE memories
SET text = :text, hash = :hash, metadata = :metadata, updated_at = :updated_at, observed_at = :observed_at,
  expires_at = :expires_at, mentions = :mentions, keyword_length = :keyword_length, vector = :vector
WHERE id = :id
RETURNING seq, user_id, agent_id, run_id, memory_type
