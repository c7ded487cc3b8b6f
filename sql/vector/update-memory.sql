-- Purpose: replace the content of one memory; its scope and created_at stay as they were.
-- Parameters: :id, :text, :hash, :metadata (JSON object text), :updated_at, :observed_at (ISO-8601), :vector (Float32 BLOB).
-- Returns: seq, user_id, agent_id, run_id of the updated memory (for the vector cache); no row
--          when no memory has that id.
UPDATE memories
SET text = :text, hash = :hash, metadata = :metadata, updated_at = :updated_at, observed_at = :observed_at, vector = :vector
WHERE id = :id
RETURNING seq, user_id, agent_id, run_id
