-- Purpose: the events an apply recorded under its operation id (see migration 002).
-- Parameters: :id.
-- Returns: events (JSON text); no row when no apply with this id committed.
SELECT events FROM applied_operations WHERE id = :id
