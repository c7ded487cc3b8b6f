import type { Scope } from '../input.js'
import type { Vector } from '../ports.js'
import type { ScopedVectors } from './scoped-vectors.js'
import { compareStrings } from '../compare-strings.js'

/** What a search links to entities: its scope, embedding and matchText (normalize.ts), a threshold and a cap. */
export interface LinkQuery {
  scope: Scope
  vector: Vector
  text: string
  minSimilarity: number
  limit: number
}

/** A query linked to an entity: by name in the query text, or by embedding similarity. */
export interface EntityLink {
  id: string
  similarity: number
  keyword: boolean
}

/**
 * The entities the scope can see whose vector is at least `minSimilarity` similar to the query's
 * or whose match text (graph-records.ts entityMatchText; null never matches) occurs in the query's
 * (both space-padded by normalize.ts matchText, so whole words): keyword links first, then by
 * similarity, then by id; at most `limit`. One pass over the visible vectors, shared by the
 * SQLite store's entity cache and the Neo4j store's mirror so that both link alike.
 *
 * @throws EngramError INVALID_CONFIG when a visible vector's dimension differs from the query's.
 */
export function linkByNameOrVector(vectors: ScopedVectors<string>, matchTextOf: (id: string) => string | null, query: LinkQuery): EntityLink[] {
  if (query.limit <= 0) return []
  const links: EntityLink[] = []
  vectors.forEachVisible(query.scope, query.vector, (id, similarity) => {
    const matchText = matchTextOf(id)
    const keyword = matchText !== null && query.text.includes(matchText)
    if (keyword || similarity >= query.minSimilarity) links.push({ id, similarity, keyword })
  })
  links.sort((a, b) => Number(b.keyword) - Number(a.keyword) || b.similarity - a.similarity || compareStrings(a.id, b.id))
  return links.slice(0, query.limit)
}
