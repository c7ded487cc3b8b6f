import { dot } from '../adapters/vector-math.js'
import type { HybridHit } from '../ports.js'

/** How many of the query's nearest memories make the neighbourhood a hit is compared with. */
export const NEIGHBOURHOOD = 50

/** How many of its closest neighbours a hit's crowding averages. */
export const CLOSEST = 5

/**
 * How crowded each hit's place is among the query's nearest memories: the mean cosine similarity
 * of the hit to its {@link CLOSEST} most similar memories among the {@link NEIGHBOURHOOD} nearest
 * the query (the hits the vector list ranked that high; the hit itself left out), by memory id.
 *
 * Why: with small embedding models, short generic texts ("what have you been up to?") sit close
 * to almost every query and to each other, so they crowd the top of a plain cosine ranking; a
 * memory that says something specific stands apart from its neighbours. Ranking by similarity
 * minus a share of crowding (src/search/fuse.ts) is local scaling in the manner of CSLS
 * (Conneau et al., ICLR 2018), measured against the memories around the query rather than a
 * precomputed table, so it needs nothing stored and stays current with every write. Near-copies
 * of a memory count as neighbours: a statement repeated verbatim is less distinctive than one
 * made once.
 */
export function crowdingOf(hits: readonly HybridHit[]): Map<string, number> {
  const neighbourhood = hits.filter((hit) => hit.explain.vectorRank !== undefined && hit.explain.vectorRank <= NEIGHBOURHOOD)
  const crowding = new Map<string, number>()
  for (const hit of hits) {
    const closest: number[] = []
    for (const neighbour of neighbourhood) {
      if (neighbour.memory.id === hit.memory.id) continue
      insertDescending(closest, dot(hit.vector, neighbour.vector), CLOSEST)
    }
    crowding.set(hit.memory.id, closest.length === 0 ? 0 : closest.reduce((sum, value) => sum + value, 0) / closest.length)
  }
  return crowding
}

/** Keeps `values` the `size` largest seen, largest first. */
function insertDescending(values: number[], value: number, size: number): void {
  if (values.length === size && value <= values[size - 1]!) return
  let index = values.length === size ? size - 1 : values.length
  while (index > 0 && values[index - 1]! < value) {
    values[index] = values[index - 1]!
    index -= 1
  }
  values[index] = value
}
