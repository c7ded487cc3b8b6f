-- Purpose: store one new memory with its embedding (the FTS index follows by trigger).
-- Parameters: :id, :text, :hash, :metadata (JSON object text), :user_id, :agent_id, :run_id (NULL when
--             absent), :created_at, :updated_at, :observed_at (ISO-8601), :expires_at (ISO-8601 or
--             NULL: never), :memory_type ('semantic' | 'procedural'), :mentions (>= 1),
--             :keyword_length (terms in the text), :vector (Float32 little-endian BLOB).
-- Returns: nothing (the new seq is the last insert rowid); a duplicate id fails the UNIQUE constraint.
INSERT INTO memories (id, text, hash, metadata, user_id, agent_id, run_id, created_at, updated_at, observed_at, expires_at, memory_type, mentions, keyword_length, vector)
VALUES (:id, :text, :hash, :metadata, :user_id, :agent_id, :run_id, :created_at, :updated_at, :observed_at, :expires_at, :memory_type, :mentions, :keyword_length, :vector)
