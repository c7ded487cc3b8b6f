-- Purpose: give each operation record the exact scope of its apply, so that erasing a scope
--          (deleteAll) also erases the records whose events name its entities, including those a
--          crash left behind. Records written before have no scope; the journal entries that
--          wrote them clear them once complete.
-- Parameters: none (multi-statement migration, applied once per database file).
-- Returns: nothing.
ALTER TABLE applied_operations ADD COLUMN user_id TEXT;
ALTER TABLE applied_operations ADD COLUMN agent_id TEXT;
ALTER TABLE applied_operations ADD COLUMN run_id TEXT;
