import type { Scope } from '../../input.js'

/*
 * User text never reaches Lucene query syntax raw: `+ - && || ! ( ) { } [ ] ^ " ~ * ? : \ /` and
 * AND/OR/NOT all mean something there. Only runs of letters and digits are taken from the query,
 * each quoted as a phrase; scope ids are quoted phrases too, with `\` and `"` escaped.
 */

// Lucene refuses a query of more than 1,024 clauses (IndexSearcher.maxClauseCount); a pasted
// document can have more distinct words, so they are split over several queries.
const WORDS_PER_QUERY = 256

// The scope ids the full-text index holds beside the names (schema/entity-match-text-index.cypher).
const SCOPE_FIELDS = [
  ['userId', 'user_id'],
  ['agentId', 'agent_id'],
  ['runId', 'run_id'],
] as const

/**
 * Lucene queries for `read/keyword-entities`, together matching every entity visible to `scope`
 * whose match text shares a word with `text`: one per {@link WORDS_PER_QUERY} distinct words,
 * none for a text without letters or digits.
 *
 * The scope clauses only narrow the candidates (the analyzer lower-cases and splits ids, so they
 * may let in a near miss, which the statement's exact test removes); an id of which the analyzer
 * keeps nothing drops its clause, which only widens them. They keep one tenant's matches from
 * being crowded out by another's, since the index spans every scope.
 */
export function luceneQueries(text: string, scope: Scope): string[] {
  const words = [...new Set(text.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])]
  const scopeClauses = SCOPE_FIELDS.flatMap(([field, property]) => {
    const id = scope[field]
    return id === undefined ? [] : [`+${property}:${phrase(id)}`]
  })
  const queries: string[] = []
  for (let start = 0; start < words.length; start += WORDS_PER_QUERY) {
    const any = words.slice(start, start + WORDS_PER_QUERY).map(phrase).join(' ')
    queries.push([`+match_text:(${any})`, ...scopeClauses].join(' '))
  }
  return queries
}

/** A quoted Lucene phrase: inside quotes only the backslash and the quote itself are special. */
function phrase(text: string): string {
  return `"${text.replace(/[\\"]/g, (character) => `\\${character}`)}"`
}
