import { parseInput, querySchema, searchOptionsSchema } from '../input.js'
import { definedScope, toMemoryItem } from '../memory-records.js'
import type { PipelineContext } from '../pipelines/context.js'
import type { SearchResult } from '../types.js'

/** Results per list when the caller gives no `limit` (SPEC §1). */
export const DEFAULT_SEARCH_LIMIT = 10

/** `Memory.search`: one query embedding, one hybrid search inside the scope; no LLM call. */
export async function search(ctx: PipelineContext, query: unknown, options: unknown): Promise<SearchResult> {
  const text = parseInput(querySchema, query, 'query')
  const opts = parseInput(searchOptionsSchema, options, 'options')
  const [vector] = await ctx.embedder.embed([text])
  const hits = await ctx.vectorStore.search({
    vector: vector!,
    text,
    scope: definedScope(opts),
    ...(opts.filters !== undefined ? { filters: opts.filters } : {}),
    limit: opts.limit ?? DEFAULT_SEARCH_LIMIT,
  })
  return {
    results: hits
      .filter((hit) => opts.threshold === undefined || hit.score >= opts.threshold)
      .map((hit) => ({ ...toMemoryItem(hit.memory), score: hit.score, explain: hit.explain })),
    relations: [],
  }
}
