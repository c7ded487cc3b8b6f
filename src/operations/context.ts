import { fitToBudget } from '../context/format-context.js'
import { rankContextItems } from '../context/rank-context.js'
import { supersededFacts, supersededRelations } from '../context/superseded.js'
import { tokenCounter } from '../context/token-counter.js'
import { inputSchemas, parseInput, requiredScopeSchema } from '../input.js'
import { definedScope } from '../memory-records.js'
import type { PipelineContext } from '../pipelines/context.js'
import type { ContextResult } from '../types.js'
import { search } from './search.js'

/**
 * Budget of a context block when the caller gives none: about a page, a small share of any
 * current model's context window.
 */
const DEFAULT_CONTEXT_MAX_TOKENS = 1000

/** Facts and relations a block chooses from (each), unless `limit` says otherwise. */
const DEFAULT_CONTEXT_LIMIT = 20

/**
 * `Memory.context`, with no LLM call: `search` (facts with the day they were stated, relations
 * valid now), the earlier texts of those facts from history and the ended relations the query
 * concerns, ranked most useful first (src/context/rank-context.ts) and cut to the token budget.
 */
export async function contextBlock(ctx: PipelineContext, query: unknown, scope: unknown, options: unknown): Promise<ContextResult> {
  const schemas = inputSchemas(ctx.config.limits)
  const text = parseInput(schemas.query, query, 'query')
  const reader = definedScope(parseInput(requiredScopeSchema, scope, 'scope'))
  const {
    maxTokens = DEFAULT_CONTEXT_MAX_TOKENS,
    limit = DEFAULT_CONTEXT_LIMIT,
    ...searchOptions
  } = parseInput(schemas.contextOptions, options ?? {}, 'options')
  const [countTokens, found] = await Promise.all([tokenCounter(), search(ctx, text, { ...searchOptions, ...reader, limit })])
  const [earlierTexts, ended] = await Promise.all([supersededFacts(ctx.history, found.results), supersededRelations(ctx.graph, reader, text, found.relations)])
  return fitToBudget(rankContextItems(found, earlierTexts, ended), maxTokens, countTokens)
}
