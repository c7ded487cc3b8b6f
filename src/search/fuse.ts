import type { Metadata, Scope } from '../input.js'
import { toMemoryItem } from '../memory-records.js'
import type { HybridHit, MemoryType, StoredMemory, VectorStore } from '../ports.js'
import { isLive, type LiveFilter } from '../retention.js'
import type { ScoredMemory } from '../types.js'
import { crowdingOf } from './crowding.js'
import type { GraphHit } from './graph-search.js'

/**
 * Largest share of the remaining distance to 1 that graph evidence adds to a fact's score. A fact
 * cited by a relation scoring 1 moves 30% of the way to a perfect score: enough to lift a fact the
 * graph reached over a merely similar one, not enough to bury a strong text match.
 */
export const GRAPH_BOOST = 0.3

/**
 * Merges fact hits with graph hits into relevance: each fact's {@link textRelevance} (its
 * similarity less its crowding, and its keyword match, by the ranking's weights), boosted when a found relation cites it as provenance by `GRAPH_BOOST × relation score` (the best such relation),
 * as `relevance + (1 − relevance) × boost`, so scores stay within 0..1. Cited facts the text search
 * missed are fetched and join with the boost alone, once checked against the scope, filters, type
 * and expiry. Unordered (the store's hits, then the fetched ones): `rankResults` sorts once.
 */
export async function fuseResults(
  vectorStore: VectorStore,
  facts: readonly HybridHit[],
  relations: readonly GraphHit[],
  visibility: { scope: Scope; filters?: Metadata; memoryType?: MemoryType } & LiveFilter,
  weights: RelevanceWeights,
): Promise<ScoredMemory[]> {
  const boost = new Map<string, number>()
  for (const hit of relations) {
    for (const id of hit.relation.memoryIds) boost.set(id, Math.max(boost.get(id) ?? 0, GRAPH_BOOST * hit.score))
  }
  const crowding = weights.crowdingWeight > 0 ? crowdingOf(facts) : new Map<string, number>()
  const scored: ScoredMemory[] = facts.map((hit) => {
    const explain = crowding.has(hit.memory.id) ? { ...hit.explain, crowding: crowding.get(hit.memory.id)! } : hit.explain
    const text = textRelevance(explain, weights)
    return withBoost(hit.memory, text.relevance, { ...explain, vector: text.vector, keyword: text.keyword }, boost.get(hit.memory.id) ?? 0)
  })
  const found = new Set(facts.map((hit) => hit.memory.id))
  const missing = [...boost.keys()].filter((id) => !found.has(id))
  const fetched = missing.length === 0 ? [] : await vectorStore.getMany(missing)
  for (const memory of fetched) {
    const typeMatches = visibility.memoryType === undefined || memory.memoryType === visibility.memoryType
    if (typeMatches && isLive(memory, visibility) && isVisible(memory, visibility.scope, visibility.filters))
      scored.push(withBoost(memory, 0, { vector: 0, keyword: 0 }, boost.get(memory.id)!))
  }
  return scored
}

/** The ranking settings that make a fact's relevance (config `ranking`). */
export interface RelevanceWeights {
  keywordWeight: number
  crowdingWeight: number
}

/**
 * A fact's relevance to the query text, 0..1: `(1 − keywordWeight) × vector` plus `keywordWeight ×
 * keywordMatch²`. The vector part is the cosine similarity less `crowdingWeight ×` the fact's
 * crowding (src/search/crowding.ts: how alike it is to the memories nearest the query), within
 * 0..1; the keyword match is the share of the query's keyword weight (BM25 idf) the fact holds (0
 * when the keyword list missed it).
 * Magnitudes, not the ranks that fused the two lists: a clear winner stays clearly ahead, so that
 * time can reorder only facts of similar relevance. The match is measured against the whole query,
 * not against the query's best keyword hit, and squared: a fact holding half of the query's keyword
 * weight (a name and a common word) gains a quarter of what one holding all of it gains, so a
 * paraphrased answer that shares no word with the question keeps its place above turns that merely
 * repeat some of the question's words.
 */
export function textRelevance(explain: Record<string, number>, weights: RelevanceWeights): { vector: number; keyword: number; relevance: number } {
  const vector = Math.min(1, Math.max(0, (explain.vectorSimilarity ?? 0) - weights.crowdingWeight * (explain.crowding ?? 0)))
  const keyword = Math.min(1, Math.max(0, explain.keywordMatch ?? 0)) ** 2
  return { vector, keyword, relevance: (1 - weights.keywordWeight) * vector + weights.keywordWeight * keyword }
}

function withBoost(memory: StoredMemory, relevance: number, explain: Record<string, number>, graph: number): ScoredMemory {
  const score = relevance + (1 - relevance) * graph
  return { ...toMemoryItem(memory), score, explain: { ...explain, ...(graph > 0 ? { graph } : {}), score } }
}

/** The read rule of docs/contract.md and metadata equality, for memories fetched by id. */
export function isVisible(memory: Pick<StoredMemory, 'scope' | 'metadata'>, scope: Scope, filters: Metadata = {}): boolean {
  const scopeMatches = (['userId', 'agentId', 'runId'] as const).every((field) => scope[field] === undefined || memory.scope[field] === scope[field])
  return scopeMatches && Object.entries(filters).every(([key, value]) => key in memory.metadata && memory.metadata[key] === value)
}
