/*
 * Weaviate's BM25 sees only text this module has folded: lower-case words of letters and digits,
 * diacritics removed, separated by spaces. The same folding is applied to stored texts (the
 * `keywords` property) and to query texts, so "CAFÉ", "cafe\u0301" and "café" all become "cafe",
 * as the embedded store's FTS5 `unicode61 remove_diacritics` tokenizer does. Weaviate 1.39 can
 * fold accents itself (`textAnalyzer.asciiFold`), but weaviate-client 3 cannot configure it, and
 * folding here keeps both sides of the match under Engram's control. Query text never reaches
 * Weaviate as anything but such words, so no character of it can mean anything to the server.
 */

// Every term adds a postings scan and BM25 work; a pasted paragraph would otherwise become hundreds
// of terms. The embedded store's FTS query has the same cap.
const MAX_QUERY_WORDS = 64

/** The words of `text`: lower-cased, without combining marks, runs of letters and digits only. */
function words(text: string): string[] {
  // Lower-case first: some capitals lower-case to a letter plus a combining mark (İ → i̇).
  const folded = text.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '').normalize('NFC')
  return folded.match(/[\p{L}\p{N}]+/gu) ?? []
}

/** The value of a memory's `keywords` property. */
export function keywordText(text: string): string {
  return words(text).join(' ')
}

/** A BM25 query matching any word of `text` (Weaviate's default OR), or `null` when it has no words. */
export function keywordQuery(text: string): string | null {
  const unique = [...new Set(words(text))].slice(0, MAX_QUERY_WORDS)
  return unique.length === 0 ? null : unique.join(' ')
}
