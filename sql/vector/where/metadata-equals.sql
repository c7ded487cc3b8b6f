-- Purpose: WHERE fragment over `memories AS m`, spliced at {{scope}} once per metadata filter:
--          the key holds exactly this JSON value. Comparing json_type as well as the value keeps
--          true apart from 1 and "1" apart from 1; a null filter matches an explicit null only,
--          because an absent key has no json_type at all.
-- Parameters: ? the JSON path ($."key", quoted by code), ? the filter value as JSON text,
--             ? the same path, ? the same JSON text.
-- Returns: (a predicate, not a statement)
AND json_type(m.metadata, ?) = json_type(?)
AND json_extract(m.metadata, ?) IS json_extract(?, '$')
