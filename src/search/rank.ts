import type { ResolvedConfig } from '../config/resolve.js'
import { DAY_MS } from '../retention.js'
import type { ScoredMemory } from '../types.js'

/** How search weighs time against relevance (config `ranking` but for the weights that make relevance). */
export type RankingSettings = Omit<ResolvedConfig['ranking'], 'keywordWeight' | 'crowdingWeight'>

/** The parts of a ranked score, as `explain` shows them. */
export interface RankParts {
  /** Vector similarity and keyword score with the graph boost (src/search/fuse.ts), 0..1: what time scales. */
  relevance: number
  /** Whole days since the memory was last stated (`observedAt`); 0 for a future time. */
  ageDays: number
  /** `0.5^(ageDays / halfLifeDays)`: 1 when just stated, ½ one half-life later. */
  recency: number
  mentions: number
  /** `1 − 1/mentions`: 0 for a fact stated once, ½ for twice, approaching 1. */
  reinforcement: number
  /** The final score, 0..1. */
  score: number
}

/**
 * The score of a memory: its relevance scaled by a factor between `1 − recencyWeight −
 * reinforcementWeight` (long ago, stated once) and 1 (just stated, many times):
 *
 *   score = relevance × (1 − wR × (1 − recency) − wM × (1 − reinforcement))
 *
 * A factor, not an added bonus, so that time only reorders memories of comparable relevance: one
 * whose relevance is below `1 − wR − wM` of another's can never overtake it, and an irrelevant
 * memory stays near 0 however fresh. Weights that sum above 1 are scaled to sum 1, which keeps
 * the score within 0..1. Age counts in whole days, so that a score does not drift between two
 * searches moments apart (a `threshold` set from one result still admits it).
 */
export function rankParts(relevance: number, observed: { ageDays: number; mentions: number }, settings: RankingSettings): RankParts {
  const ageDays = Math.max(0, Math.floor(observed.ageDays))
  const recency = 0.5 ** (ageDays / settings.halfLifeDays)
  const mentions = Math.max(1, observed.mentions)
  const reinforcement = 1 - 1 / mentions
  const scale = Math.max(1, settings.recencyWeight + settings.reinforcementWeight)
  const factor = 1 - (settings.recencyWeight / scale) * (1 - recency) - (settings.reinforcementWeight / scale) * (1 - reinforcement)
  return { relevance, ageDays, recency, mentions, reinforcement, score: relevance * factor }
}

/**
 * Re-scores fused results with recency and reinforcement at `now`, best first: equal scores go by
 * relevance, equal relevance keeps the order given. Each `explain` keeps its parts and gains those
 * of {@link RankParts}.
 */
export function rankResults(results: readonly ScoredMemory[], settings: RankingSettings, now: Date): ScoredMemory[] {
  return results
    .map((result) => {
      const ageDays = (now.getTime() - Date.parse(result.observedAt)) / DAY_MS
      const parts = rankParts(result.score, { ageDays, mentions: result.mentions }, settings)
      return { ...result, score: parts.score, explain: { ...result.explain, ...parts } }
    })
    .sort((a, b) => b.score - a.score || b.explain.relevance - a.explain.relevance)
}
