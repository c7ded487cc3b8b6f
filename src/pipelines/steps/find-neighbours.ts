import type { Scope } from '../../input.js'
import type { StoredMemory, Vector } from '../../ports.js'
import { liveAt } from '../../retention.js'
import type { PipelineContext } from '../context.js'

/**
 * How many stored memories each new fact is compared with. Five covers the usual near-duplicates
 * and contradictions of one fact while keeping the update prompt short.
 */
export const NEIGHBOURS_PER_FACT = 5

/**
 * The nearest stored facts of each new fact, of exactly the add's scope: what the update step
 * shows the model is all it may change, and a broader scope's add (`{agentId}`) must not reach a
 * narrower scope's memories (`{userId, agentId}`), which reads by visibility would show it.
 * Expired memories and procedural summaries are not facts to compare with.
 */
export async function findNeighbours(ctx: PipelineContext, vectors: readonly Vector[], scope: Scope): Promise<StoredMemory[][]> {
  const live = liveAt(ctx.now(), ctx.config.retention)
  return Promise.all(
    vectors.map(async (vector) => {
      const hits = await ctx.vectorStore.nearest({ vector, scope, exactScope: true, memoryType: 'semantic', ...live, limit: NEIGHBOURS_PER_FACT })
      return hits.map((hit) => hit.memory)
    }),
  )
}
