-- Purpose: write one memory exactly as exported (src/transfer): a new row, or the row with the same
--          id replaced entirely (the FTS index follows by trigger), so a restore run twice is one restore.
-- Parameters: :id, :text, :hash, :metadata (JSON object text), :user_id, :agent_id, :run_id (NULL when
--             absent), :created_at, :updated_at, :observed_at (ISO-8601), :expires_at (ISO-8601 or
--             NULL: never), :memory_type ('semantic' | 'procedural'), :mentions (>= 1),
--             :keyword_length (terms in the text), :vector (Float32 little-endian BLOB).
-- Returns: seq of the row written.
INSERT INTO memories (id, text, hash, metadata, user_id, agent_id, run_id, created_at, updated_at, observed_at, expires_at, memory_type, mentions, keyword_length, vector)
VALUES (:id, :text, :hash, :metadata, :user_id, :agent_id, :run_id, :created_at, :updated_at, :observed_at, :expires_at, :memory_type, :mentions, :keyword_length, :vector)
ON CONFLICT (id) DO UPDATE SET
  text = excluded.text, hash = excluded.hash, metadata = excluded.metadata, user_id = excluded.user_id,
  agent_id = excluded.agent_id, run_id = excluded.run_id, created_at = excluded.created_at,
  updated_at = excluded.updated_at, observed_at = excluded.observed_at, expires_at = excluded.expires_at,
  memory_type = excluded.memory_type, mentions = excluded.mentions, keyword_length = excluded.keyword_length, vector = excluded.vector
RETURNING seq
