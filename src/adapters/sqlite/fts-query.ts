/*
 * User text never reaches FTS5 query syntax: quotes, `*`, `NEAR(`, `OR`, `-`, `^` and `:` all
 * mean something there. Only runs of letters and digits survive, each quoted as a phrase.
 */

// Every term adds a postings scan and BM25 work to the query; a pasted paragraph would otherwise
// become hundreds of OR terms. A few dozen distinct words is more than any real search query has.
const MAX_TOKENS = 64

/** An FTS5 query matching any word of `text` (`"word1" OR "word2"`), or `null` when it has no words. */
export function ftsQuery(text: string): string | null {
  // NFC first: a letter followed by a combining accent is one \p{L} only once composed.
  const words = text.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  const tokens = [...new Set(words)].slice(0, MAX_TOKENS)
  return tokens.length === 0 ? null : tokens.map((token) => `"${token}"`).join(' OR ')
}
