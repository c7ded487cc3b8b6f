-- Purpose: bind each logged read to the stores it was read from (a fingerprint of their
--          locations), so that an instance with other stores sharing the file neither shows nor
--          erases it. Rows written before have no binding: the first instance to open the file
--          claims them (audit/claim-unbound).
-- Parameters: none (multi-statement migration, applied once per database file).
-- Returns: nothing.
ALTER TABLE read_audit ADD COLUMN stores TEXT;

CREATE INDEX read_audit_stores ON read_audit (stores);
