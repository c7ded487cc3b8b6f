-- Purpose: record how far an add's writes got.
-- Parameters: :id, :state, :progress (JSON).
-- Returns: nothing.
UPDATE journal SET state = :state, progress = :progress WHERE id = :id
