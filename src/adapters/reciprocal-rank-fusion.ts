import type { HybridHit, StoredMemory, Vector } from '../ports.js'

/*
 * Hybrid search fuses two ranked lists by Reciprocal Rank Fusion: each list adds 1 / (k + rank).
 *
 * Ranks, not scores, because BM25 and cosine similarity live on incomparable scales (BM25 is
 * unbounded and depends on the scope's statistics; cosine lies in -1..1), so any weighted sum of the
 * raw scores needs per-corpus tuning, while RRF needs none. k = 60 is the value of Cormack, Clarke
 * & Büttcher (SIGIR 2009), which damps the gap between the first ranks so that agreement between
 * the lists counts more than the top of either one. Weaviate's `rankedFusion` uses the same
 * formula, so the embedded and production backends rank alike.
 */
const K = 60

/**
 * How many candidates each list of a hybrid search fetches: `limit + 40`, at least 50, so that
 * memories ranked modestly in both lists can still rank into the top `limit`, and the vector list
 * holds the whole neighbourhood that crowding is measured in (src/search/crowding.ts). Not a
 * multiple of `limit`: every candidate costs a row read (on Weaviate, an object sent whole). Search
 * takes every memory of both lists (src/operations/search.ts): on the retrieval dev set, fusing
 * lists four times longer found the same answers.
 */
export function candidatePoolSize(limit: number): number {
  return Math.max(limit + 40, 50)
}

/** The best possible fused score (first in both lists); dividing by it maps scores into 0..1. */
const BEST = 2 / (K + 1)

/** A candidate from the vector list. */
export interface VectorCandidate {
  memory: StoredMemory
  /** The memory's stored vector. */
  vector: Vector
  similarity: number
}

/** A candidate from the keyword list; its similarity is computed too, for `explain`. */
export interface KeywordCandidate extends VectorCandidate {
  /** BM25 over the scope's memories (keyword-scoring.ts): positive, higher is better. */
  keywordScore: number
  /** The share of the query's keyword weight the memory holds, 0..1 (keyword-scoring.ts). */
  keywordMatch: number
}

/**
 * Fuses both lists (each best first) and returns the best `limit`. `explain` holds
 * `vectorSimilarity`, `vectorRank` and `keywordRank` (only where that list had the memory),
 * `keywordScore` and `keywordMatch` (keyword hits only) and `fused` (the raw RRF sum, before normalising).
 */
export function fuseByReciprocalRank(byVector: VectorCandidate[], byKeyword: KeywordCandidate[], limit: number): HybridHit[] {
  const fused = new Map<string, { memory: StoredMemory; vector: Vector; similarity: number; explain: Record<string, number>; sum: number }>()
  const entry = (candidate: VectorCandidate) => {
    let found = fused.get(candidate.memory.id)
    if (found === undefined) {
      found = {
        memory: candidate.memory,
        vector: candidate.vector,
        similarity: candidate.similarity,
        explain: { vectorSimilarity: candidate.similarity },
        sum: 0,
      }
      fused.set(candidate.memory.id, found)
    }
    return found
  }
  byVector.forEach((candidate, index) => {
    const found = entry(candidate)
    found.explain.vectorRank = index + 1
    found.sum += 1 / (K + index + 1)
  })
  byKeyword.forEach((candidate, index) => {
    const found = entry(candidate)
    found.explain.keywordScore = candidate.keywordScore
    found.explain.keywordMatch = candidate.keywordMatch
    found.explain.keywordRank = index + 1
    found.sum += 1 / (K + index + 1)
  })
  return (
    [...fused.values()]
      // Equal fused scores (say, first in one list each) go to the closer vector.
      .sort((a, b) => b.sum - a.sum || b.similarity - a.similarity)
      .slice(0, limit)
      .map(({ memory, vector, explain, sum }) => ({ memory, vector, score: sum / BEST, explain: { ...explain, fused: sum } }))
  )
}
