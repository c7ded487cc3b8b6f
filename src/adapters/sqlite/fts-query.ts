/*
 * User text never reaches FTS5 query syntax: quotes, `*`, `NEAR(`, `OR`, `-`, `^` and `:` all
 * mean something there. Only query terms (keyword-scoring.ts queryTerms: runs of letters and
 * digits) are used, each quoted as a phrase.
 */

/** An FTS5 query matching any of the terms (`"term1" OR "term2"`); the terms must not be empty. */
export function ftsMatch(terms: readonly string[]): string {
  return terms.map((term) => `"${term}"`).join(' OR ')
}
