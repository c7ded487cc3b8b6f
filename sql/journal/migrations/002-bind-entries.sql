-- Purpose: bind each entry to the stores it was written for (a fingerprint of their locations),
--          so that recovery never applies it to other stores sharing the journal file, and give it
--          the add's scope, so that erasing a scope (deleteAll) erases its unfinished entries.
--          Entries written before have no binding: the first instance to open the file claims them
--          (journal/claim-unbound), as it would have recovered them before.
-- Parameters: none (multi-statement migration, applied once per database file).
-- Returns: nothing.
ALTER TABLE journal ADD COLUMN stores TEXT;
ALTER TABLE journal ADD COLUMN user_id TEXT;
ALTER TABLE journal ADD COLUMN agent_id TEXT;
ALTER TABLE journal ADD COLUMN run_id TEXT;

UPDATE journal
SET user_id = json_extract(plan, '$.scope.userId'),
    agent_id = json_extract(plan, '$.scope.agentId'),
    run_id = json_extract(plan, '$.scope.runId');

CREATE INDEX journal_stores ON journal (stores, seq);
