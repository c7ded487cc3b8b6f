import type { Metadata, Scope } from '../input.js'
import { toMemoryItem } from '../memory-records.js'
import type { HybridHit, StoredMemory, VectorStore } from '../ports.js'
import type { ScoredMemory } from '../types.js'
import type { GraphHit } from './graph-search.js'

/**
 * Largest share of the remaining distance to 1 that graph evidence adds to a fact's score. A fact
 * cited by a relation scoring 1 moves 30% of the way to a perfect score: enough to lift a fact the
 * graph reached over a merely similar one, not enough to bury a strong text match.
 */
export const GRAPH_BOOST = 0.3

/**
 * Merges fact hits with graph hits: a fact that a found relation cites as provenance is boosted by
 * `GRAPH_BOOST × relation score` (the best such relation), as `score + (1 − score) × boost`, so
 * scores stay within 0..1. Cited facts the text search missed are fetched and join with the boost
 * alone, once checked against the scope and filters.
 */
export async function fuseResults(
  vectorStore: VectorStore,
  facts: readonly HybridHit[],
  relations: readonly GraphHit[],
  visibility: { scope: Scope; filters?: Metadata },
): Promise<ScoredMemory[]> {
  const boost = new Map<string, number>()
  for (const hit of relations) {
    for (const id of hit.relation.memoryIds) boost.set(id, Math.max(boost.get(id) ?? 0, GRAPH_BOOST * hit.score))
  }
  const scored: ScoredMemory[] = facts.map((hit) => withBoost(hit.memory, hit.score, hit.explain, boost.get(hit.memory.id) ?? 0))
  const found = new Set(facts.map((hit) => hit.memory.id))
  const missing = [...boost.keys()].filter((id) => !found.has(id))
  const fetched = missing.length === 0 ? [] : await vectorStore.getMany(missing)
  for (const memory of fetched) {
    if (isVisible(memory, visibility.scope, visibility.filters)) scored.push(withBoost(memory, 0, {}, boost.get(memory.id)!))
  }
  return scored.sort((a, b) => b.score - a.score)
}

function withBoost(memory: StoredMemory, base: number, explain: Record<string, number>, graph: number): ScoredMemory {
  const score = base + (1 - base) * graph
  return { ...toMemoryItem(memory), score, explain: { ...explain, ...(graph > 0 ? { graph } : {}), score } }
}

/** The read rule of SPEC §1 and metadata equality, for memories fetched by id. */
export function isVisible(memory: Pick<StoredMemory, 'scope' | 'metadata'>, scope: Scope, filters: Metadata = {}): boolean {
  const scopeMatches = (['userId', 'agentId', 'runId'] as const).every((field) => scope[field] === undefined || memory.scope[field] === scope[field])
  return scopeMatches && Object.entries(filters).every(([key, value]) => key in memory.metadata && memory.metadata[key] === value)
}
