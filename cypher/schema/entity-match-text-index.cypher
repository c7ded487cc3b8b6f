// Purpose: the full-text index that links query words to entity names (read/keyword-entities).
//          It indexes match_text (normalize.ts matchText of the name: lower-case words separated
//          by single spaces) rather than the raw name, so that Lucene tokenizes names exactly as
//          it tokenizes the query's words ("O'Brien" is the two words "o brien" in both). The
//          scope ids are indexed too, so a query can require the scope and one tenant's matches
//          never crowd out another's; code still checks them exactly, since the analyzer
//          lower-cases and splits ids. Transactional (not eventually consistent): an entity is
//          found as soon as its add commits.
// Parameters: none.
// Returns: nothing; idempotent.
CREATE FULLTEXT INDEX entity_match_text IF NOT EXISTS
FOR (e:__Entity__) ON EACH [e.match_text, e.user_id, e.agent_id, e.run_id]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'standard-no-stop-words', `fulltext.eventually_consistent`: false } }
