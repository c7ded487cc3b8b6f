-- Purpose: the texts of memories by seq, for keyword scoring of memories not tokenized yet.
-- Parameters: :seqs (JSON array of seqs).
-- Returns: seq, text.
SELECT m.seq, m.text FROM memories AS m WHERE m.seq IN (SELECT value FROM json_each(:seqs))
