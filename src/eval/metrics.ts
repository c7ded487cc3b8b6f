/*
 * Retrieval metrics over ranked lists. A retrieved memory covers the evidence keys it was stored
 * from (a turn its dialog or session id, an observation the turns it cites); a question's evidence
 * is a set of keys.
 */

/** What one question got back, best first, and what would have answered it. */
export interface RankedAnswer {
  /** The evidence keys each result covers, in result order. */
  covered: ReadonlyArray<readonly string[]>
  evidence: readonly string[]
}

/**
 * Share of the evidence keys covered by the first `k` results, 0..1: 1 when every cited turn (or
 * session) is among them, ½ when one of two is. For a question with one piece of evidence it is
 * whether that piece is in the top k.
 */
export function recallAt(answer: RankedAnswer, k: number): number {
  return coveredShare(answer.covered.slice(0, k), answer.evidence)
}

/** 1 / rank of the first result covering any evidence key; 0 when none does. */
export function reciprocalRank(answer: RankedAnswer): number {
  const wanted = new Set(answer.evidence)
  const index = answer.covered.findIndex((keys) => keys.some((key) => wanted.has(key)))
  return index < 0 ? 0 : 1 / (index + 1)
}

/**
 * Recall of the longest prefix of the results whose texts fit in `budget` tokens together: what a
 * context block of that size, filled best first, would hold. A result that does not fit ends the block.
 */
export function recallWithinBudget(answer: RankedAnswer, tokens: readonly number[], budget: number): number {
  let used = 0
  let count = 0
  while (count < tokens.length && used + tokens[count]! <= budget) used += tokens[count++]!
  return coveredShare(answer.covered.slice(0, count), answer.evidence)
}

function coveredShare(covered: ReadonlyArray<readonly string[]>, evidence: readonly string[]): number {
  const wanted = new Set(evidence)
  if (wanted.size === 0) return 0
  const found = new Set(covered.flat().filter((key) => wanted.has(key)))
  return found.size / wanted.size
}

/**
 * The value below which `p` of the sorted values lie, by the nearest-rank method (the smallest
 * value with at least p × n values at or below it); 0 for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1]!
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length
}
