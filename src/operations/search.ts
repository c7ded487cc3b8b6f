import { candidatePoolSize } from '../adapters/reciprocal-rank-fusion.js'
import { defaultCrowdingWeight } from '../config/resolve.js'
import { inputSchemas, parseInput } from '../input.js'
import { definedScope } from '../memory-records.js'
import type { PipelineContext } from '../pipelines/context.js'
import { toRelation } from '../pipelines/steps/plan-relation-writes.js'
import { liveAt } from '../retention.js'
import { fuseResults } from '../search/fuse.js'
import { linkMinSimilarity, searchGraph } from '../search/graph-search.js'
import { rankResults } from '../search/rank.js'
import type { SearchResult } from '../types.js'
import { auditedSearch } from './audit.js'

/** Results per list when the caller gives no `limit` (docs/contract.md). */
export const DEFAULT_SEARCH_LIMIT = 10

/**
 * `Memory.search`, with no LLM call: one query embedding, then the hybrid fact search and the
 * graph walk in parallel, then each fact's relevance (similarity less crowding, and keyword score,
 * boosted when a relation found cites it), then ranked with recency and reinforcement and cut to
 * `limit`. The fact search returns every memory either of its lists found (`candidatePoolSize(limit)`
 * each): relevance, not the lists' fused ranks, decides which of them are returned, and the
 * vector list's top is the neighbourhood crowding is measured in.
 */
export async function search(ctx: PipelineContext, query: unknown, options: unknown): Promise<SearchResult> {
  const schemas = inputSchemas(ctx.config.limits)
  const text = parseInput(schemas.query, query, 'query')
  const opts = parseInput(schemas.searchOptions, options, 'options')
  const scope = definedScope(opts)
  const limit = opts.limit ?? DEFAULT_SEARCH_LIMIT
  const now = ctx.now()
  const filters = {
    ...(opts.filters !== undefined ? { filters: opts.filters } : {}),
    ...(opts.memoryType !== undefined ? { memoryType: opts.memoryType } : {}),
    ...liveAt(now, ctx.config.retention),
  }
  const [vector] = await ctx.embedder.embed([text], 'query')
  const [facts, relations] = await Promise.all([
    ctx.vectorStore.search({ vector: vector!, text, scope, ...filters, limit: 2 * candidatePoolSize(limit), candidates: candidatePoolSize(limit) }),
    ctx.graph === null
      ? []
      : searchGraph(ctx.graph, {
          text,
          vector: vector!,
          minSimilarity: linkMinSimilarity(ctx.embedder.model),
          scope,
          hops: opts.hops ?? ctx.config.graph.hops,
          ...(opts.asOf !== undefined ? { asOf: new Date(opts.asOf).toISOString() } : {}),
          limit,
        }),
  ])
  const results = rankResults(
    await fuseResults(
      ctx.vectorStore,
      facts,
      relations,
      { scope, ...filters },
      {
        keywordWeight: ctx.config.ranking.keywordWeight,
        crowdingWeight: ctx.config.ranking.crowdingWeight ?? defaultCrowdingWeight(ctx.embedder.model),
      },
    ),
    ctx.config.ranking,
    now,
  )
  return auditedSearch(
    ctx,
    { scope, actor: opts.actor, query: text },
    {
      results: results.filter((result) => opts.threshold === undefined || result.score >= opts.threshold).slice(0, limit),
      relations: relations.map((hit) => ({
        id: hit.relation.id,
        ...toRelation(hit.relation),
        score: hit.score,
        hops: hit.path.length,
        path: hit.path.map(toRelation),
        explain: hit.explain,
      })),
    },
  )
}
