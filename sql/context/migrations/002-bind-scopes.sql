-- Purpose: bind each scope's context to the stores it was written for (a fingerprint of their
--          locations), so that an instance with other stores sharing the file never shows it to
--          its model. Rows written before have no binding: the first instance to open the file
--          claims them (context/claim-unbound).
-- Parameters: none (multi-statement migration, applied once per database file).
-- Returns: nothing.
ALTER TABLE context_scopes ADD COLUMN stores TEXT;

CREATE INDEX context_scopes_stores ON context_scopes (stores);
