import { inputSchemas, parseInput } from '../input.js'
import { definedScope } from '../memory-records.js'
import type { PipelineContext } from '../pipelines/context.js'
import { toRelation } from '../pipelines/steps/plan-relation-writes.js'
import { fuseResults } from '../search/fuse.js'
import { searchGraph } from '../search/graph-search.js'
import type { SearchResult } from '../types.js'

/** Results per list when the caller gives no `limit` (SPEC §1). */
export const DEFAULT_SEARCH_LIMIT = 10

/**
 * `Memory.search`, with no LLM call: one query embedding, then the hybrid fact search and the
 * graph walk in parallel, then facts cited by the relations found are boosted.
 */
export async function search(ctx: PipelineContext, query: unknown, options: unknown): Promise<SearchResult> {
  const schemas = inputSchemas(ctx.config.limits)
  const text = parseInput(schemas.query, query, 'query')
  const opts = parseInput(schemas.searchOptions, options, 'options')
  const scope = definedScope(opts)
  const limit = opts.limit ?? DEFAULT_SEARCH_LIMIT
  const filters = opts.filters !== undefined ? { filters: opts.filters } : {}
  const [vector] = await ctx.embedder.embed([text])
  const [facts, relations] = await Promise.all([
    ctx.vectorStore.search({ vector: vector!, text, scope, ...filters, limit }),
    ctx.graph === null
      ? []
      : searchGraph(ctx.graph, {
          text,
          vector: vector!,
          scope,
          hops: opts.hops ?? ctx.config.graph.hops,
          ...(opts.asOf !== undefined ? { asOf: new Date(opts.asOf).toISOString() } : {}),
          limit,
        }),
  ])
  const results = await fuseResults(ctx.vectorStore, facts, relations, { scope, ...filters })
  return {
    results: results.filter((result) => opts.threshold === undefined || result.score >= opts.threshold).slice(0, limit),
    relations: relations.map((hit) => ({
      ...toRelation(hit.relation),
      score: hit.score,
      hops: hit.path.length,
      path: hit.path.map(toRelation),
      explain: hit.explain,
    })),
  }
}
