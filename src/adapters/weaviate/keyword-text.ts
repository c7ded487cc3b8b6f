import { keywordTerms } from '../keyword-scoring.js'

/*
 * Weaviate's BM25 index sees only text this module has folded (keyword-scoring.ts keywordTerms):
 * lower-case words of letters and digits, diacritics removed, separated by spaces. The same folding
 * is applied to query texts (queryTerms), so "CAFÉ", "cafe\u0301" and "café" all become "cafe", as the embedded
 * store's FTS5 `unicode61 remove_diacritics` tokenizer does. Weaviate 1.39 can fold accents itself
 * (`textAnalyzer.asciiFold`), but weaviate-client 3 cannot configure it, and folding here keeps
 * both sides of the match under Engram's control. Query text never reaches Weaviate as anything
 * but such words, so no character of it can mean anything to the server.
 */

/** The value of a memory's `keywords` property. */
export function keywordText(text: string): string {
  return keywordTerms(text).join(' ')
}

/** The terms of a `keywords` property value, as {@link keywordText} joined them. */
export function storedTerms(keywords: string): string[] {
  return keywords === '' ? [] : keywords.split(' ')
}
