-- Purpose: record the embedding dimension on the first insert.
-- Parameters: :dimension (integer).
-- Returns: nothing.
INSERT INTO vector_meta (key, value)
VALUES ('dimension', :dimension)
