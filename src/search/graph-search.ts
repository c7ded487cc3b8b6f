import { localModelByTag } from '../adapters/local/embedding-models.js'
import type { Scope } from '../input.js'
import { keywordTokens, matchText } from '../normalize.js'
import type { GraphStore, StoredRelation, Vector } from '../ports.js'

/**
 * Lowest name similarity at which the query links to an entity by embedding alone, for an
 * embedder that is none of the local models: all-MiniLM-L6-v2's, as no other embedder's scale
 * has been measured on the labelled pairs. Names written in the query link by keyword anyway.
 */
export const LINK_MIN_SIMILARITY = 0.45

/**
 * The lowest similarity at which a query links to an entity by embedding, by the embedder's model
 * tag (`Embedder.model`): a local model's own `linkThreshold`, chosen on its similarity scale
 * (embedding-models.ts), else {@link LINK_MIN_SIMILARITY}.
 */
export function linkMinSimilarity(embedderModel: string): number {
  return localModelByTag(embedderModel)?.linkThreshold ?? LINK_MIN_SIMILARITY
}
/** How many linked entities seed the walk. */
export const MAX_SEEDS = 10
/** Score kept per extra hop: a relation two steps away counts 70% of an adjacent one. */
export const HOP_DECAY = 0.7
/**
 * Paths the store may return per search: several times what a result list needs, so that the
 * keyword re-scoring has candidates to choose from. Each path costs the store its relations'
 * projection, so the walk's time follows this limit (bench/diagnose-search.ts at 10k memories:
 * 500 paths took 3–5× as long as 100 on both stores).
 */
export const MAX_PATHS = 100

/** Words that say nothing about which relation a question is after. */
const STOP_WORDS = new Set(
  'a an and are as at be by did do does for from has have how i in is it me my of on or that the their there this to was we were what when where which who whom whose why with you your'
    .split(' ')
    .map((word) => keywordTokens(word)[0]),
)

export interface GraphQuery {
  text: string
  vector: Vector
  /** The lowest similarity at which `vector` links to an entity: {@link linkMinSimilarity} of the embedder. */
  minSimilarity: number
  scope: Scope
  hops: number
  asOf?: string
  limit: number
}

/** A relation found by the walk, with the path that reached it and the parts of its score. */
export interface GraphHit {
  relation: StoredRelation
  path: StoredRelation[]
  score: number
  explain: { entity: number; decay: number; relevance: number }
}

/**
 * Graph search, without an LLM: link the query to entities (by name in the query, or by
 * embedding), walk up to `hops` relations from them, and score each relation reached as
 * entity match × decay per hop × keyword relevance of the path's text to the query.
 */
export async function searchGraph(graph: GraphStore, query: GraphQuery): Promise<GraphHit[]> {
  if (query.hops === 0) return []
  const linked = await graph.linkEntities({
    scope: query.scope,
    vector: query.vector,
    text: matchText(query.text),
    minSimilarity: query.minSimilarity,
    limit: MAX_SEEDS,
  })
  if (linked.length === 0) return []
  // A name written in the query is the strongest link there is.
  const seedScore = new Map(linked.map((link) => [link.entity.id, link.keyword ? 1 : link.similarity]))
  const paths = await graph.traverse({
    scope: query.scope,
    seeds: [...seedScore.keys()],
    hops: query.hops,
    ...(query.asOf !== undefined ? { asOf: query.asOf } : {}),
    limit: MAX_PATHS,
  })
  const wanted = queryWords(query.text)
  const best = new Map<string, GraphHit>()
  for (const { seedId, path } of paths) {
    const relation = path.at(-1)
    if (relation === undefined) continue
    const entity = seedScore.get(seedId) ?? 0
    const decay = HOP_DECAY ** (path.length - 1)
    const relevance = overlap(wanted, path)
    // Relevance lifts a relation from half to full weight: a walk from the right entity is worth
    // showing even when the question's words do not occur in the relation.
    const score = entity * decay * (0.5 + 0.5 * relevance)
    const known = best.get(relation.id)
    if (known === undefined || score > known.score) best.set(relation.id, { relation, path, score, explain: { entity, decay, relevance } })
  }
  return [...best.values()].sort((a, b) => b.score - a.score || a.path.length - b.path.length).slice(0, query.limit)
}

/** The words of a query that can say which relation it is after: its keyword tokens minus stop words. */
export function queryWords(text: string): Set<string> {
  return new Set(keywordTokens(text).filter((word) => !STOP_WORDS.has(word)))
}

/** Share of the query's words found in the path's names and relationship types. */
export function overlap(wanted: ReadonlySet<string>, path: readonly StoredRelation[]): number {
  if (wanted.size === 0) return 0
  const words = new Set(
    path.flatMap((relation) => keywordTokens(`${relation.source.name} ${relation.relationship.replaceAll('_', ' ')} ${relation.destination.name}`)),
  )
  let found = 0
  for (const word of wanted) if (words.has(word)) found += 1
  return found / wanted.size
}
