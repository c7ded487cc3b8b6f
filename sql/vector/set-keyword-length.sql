-- Purpose: record one memory's length in keyword terms (see select-unmeasured).
-- Parameters: :seq, :keyword_length.
-- Returns: nothing.
UPDATE memories SET keyword_length = :keyword_length WHERE seq = :seq
