/*
 * Keyword scores that depend on one scope's memories only. A search engine's own BM25 (SQLite FTS5,
 * Weaviate) takes its statistics, how many memories hold a word and how long memories are on
 * average, from every memory in the index, whichever tenant stored it: one user's words would move
 * another's scores and order. So the stores use their index only to find the memories that hold a
 * query word, and Engram scores them here, with statistics over exactly the memories the read may
 * return. Both stores fold text alike (keywordTerms), so they score the same memories the same.
 */

// Every term adds a postings scan and scoring work; a pasted paragraph would otherwise become
// hundreds of terms. A few dozen distinct words is more than any real search query has.
const MAX_QUERY_TERMS = 64

// BM25's usual constants (Robertson & Zaragoza; FTS5, Lucene and Weaviate use the same):
// term-frequency saturation and the weight of length normalisation.
const K1 = 1.2
const B = 0.75

/**
 * The keyword terms of a text: lower-cased, diacritics removed, runs of letters and digits, in
 * order ("CAFÉ", "cafe\u0301" and "café" are all "cafe"), as SQLite's `unicode61
 * remove_diacritics` tokenizer splits them.
 */
export function keywordTerms(text: string): string[] {
  // Lower-case first: some capitals lower-case to a letter plus a combining mark (İ → i̇).
  const folded = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .normalize('NFC')
  return folded.match(/[\p{L}\p{N}]+/gu) ?? []
}

/** The distinct terms of a query, at most {@link MAX_QUERY_TERMS}; empty when it has no letters or digits. */
export function queryTerms(text: string): string[] {
  return [...new Set(keywordTerms(text))].slice(0, MAX_QUERY_TERMS)
}

/** The statistics of the memories a read may return: how many, and their mean length in terms. */
export interface KeywordCorpus {
  documents: number
  averageLength: number
}

/** A memory holding at least one query term, with its terms. */
export interface KeywordDocument<K> {
  key: K
  terms: readonly string[]
}

/** A memory and its keyword score. */
export interface KeywordScore<K> {
  key: K
  /** BM25: positive and unbounded. */
  score: number
  /**
   * How much of the query's keyword weight the memory holds, 0..1: `score` over the score of a
   * memory of average length that holds every query term once (the sum of their idf). A memory
   * that shares only the query's common words scores near 0 however it ranks among the matches,
   * and a term no memory holds still counts in the whole, as the part of the query nothing matched.
   */
  match: number
}

/**
 * BM25 scores of `documents` for the query terms, best first (equal scores in the order given),
 * those without any query term left out. `documents` must be every memory of the corpus that holds
 * a query term, since how many of them hold each term (its document frequency) is counted from them.
 * The inverse document frequency is Lucene's, `ln(1 + (N − n + 0.5) / (n + 0.5))`, never negative.
 */
export function scoreKeywords<K>(query: readonly string[], documents: ReadonlyArray<KeywordDocument<K>>, corpus: KeywordCorpus): Array<KeywordScore<K>> {
  // Thousands of documents per search: term counts go into one flat array, not a map per document.
  const position = new Map(query.map((term, index) => [term, index]))
  const width = query.length
  const counts = new Uint32Array(documents.length * width)
  const holding = new Uint32Array(width)
  documents.forEach((document, row) => {
    const base = row * width
    for (const term of document.terms) {
      const index = position.get(term)
      if (index !== undefined) counts[base + index]! += 1
    }
    for (let index = 0; index < width; index++) if (counts[base + index]! > 0) holding[index]! += 1
  })
  // A corpus that the documents outnumber (counted at another moment) still yields finite scores.
  const total = Math.max(corpus.documents, documents.length)
  const averageLength = corpus.averageLength > 0 ? corpus.averageLength : 1
  const idf = Array.from(holding, (n) => Math.log(1 + (total - n + 0.5) / (n + 0.5)))
  const wholeQuery = idf.reduce((sum, value) => sum + value, 0)
  const scored: Array<KeywordScore<K>> = []
  documents.forEach((document, row) => {
    const norm = K1 * (1 - B + (B * document.terms.length) / averageLength)
    let score = 0
    for (let index = 0; index < width; index++) {
      const frequency = counts[row * width + index]!
      if (frequency > 0) score += (idf[index]! * frequency * (K1 + 1)) / (frequency + norm)
    }
    if (score > 0) scored.push({ key: document.key, score, match: Math.min(1, score / wholeQuery) })
  })
  // Stable: equal scores keep the documents' order.
  return scored.sort((a, b) => b.score - a.score)
}
