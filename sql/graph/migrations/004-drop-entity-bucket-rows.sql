-- Purpose: entity resolution reads each scope's hash buckets from entities.buckets into memory
--          (src/adapters/sqlite/bucket-table.ts) instead of seeking one entity_buckets row range
--          per probed bucket (680 per name), which grew slower as the file grew. The table and the
--          triggers that kept it in step with entities.buckets are no longer read, so they go.
-- Parameters: none (multi-statement migration, applied once per database file).
-- Returns: nothing.
DROP TRIGGER IF EXISTS entities_buckets_after_insert;
DROP TRIGGER IF EXISTS entities_buckets_after_delete;
DROP TRIGGER IF EXISTS entities_buckets_after_update;
DROP TABLE IF EXISTS entity_buckets;
