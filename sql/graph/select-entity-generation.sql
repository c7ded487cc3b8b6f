-- Purpose: the generation of the entities, which changes whenever an entity is created, deleted or
--          changes a field a connection keeps in memory (by triggers, whoever writes; migration 003).
-- Parameters: none.
-- Returns: value (integer).
SELECT value
FROM graph_meta
WHERE key = 'entity_generation'
