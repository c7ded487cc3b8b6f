-- Purpose: record an add's intent before its first store write.
-- Parameters: :id, :state, :owner_pid, :plan (JSON), :progress (JSON), :created_at (ISO-8601).
-- Returns: nothing.
INSERT INTO journal (id, state, owner_pid, plan, progress, created_at, seq)
VALUES (:id, :state, :owner_pid, :plan, :progress, :created_at, (SELECT coalesce(max(seq), 0) + 1 FROM journal))
