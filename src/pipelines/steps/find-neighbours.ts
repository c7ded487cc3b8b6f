import type { Scope } from '../../input.js'
import type { StoredMemory, Vector } from '../../ports.js'
import type { PipelineContext } from '../context.js'

/**
 * How many stored memories each new fact is compared with. Five covers the usual near-duplicates
 * and contradictions of one fact while keeping the update prompt short.
 */
export const NEIGHBOURS_PER_FACT = 5

/** The nearest stored memories of each fact, within the add's own scope. */
export async function findNeighbours(ctx: PipelineContext, vectors: readonly Vector[], scope: Scope): Promise<StoredMemory[][]> {
  return Promise.all(
    vectors.map(async (vector) => {
      const hits = await ctx.vectorStore.nearest({ vector, scope, limit: NEIGHBOURS_PER_FACT })
      return hits.map((hit) => hit.memory)
    }),
  )
}
