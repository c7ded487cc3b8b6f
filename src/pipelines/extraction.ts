import type { LLM } from '../ports.js'
import type { EarlierConversation } from '../prompts/render.js'
import type { AddInput } from './add-input.js'
import type { PipelineContext } from './context.js'
import { type ExtractedFacts, extractFacts } from './steps/extract-facts.js'
import { type ExtractedGraph, extractGraph } from './steps/extract-graph.js'
import { extractMemories } from './steps/extract-memories.js'

/** The extraction of one chunk, as one promise per pipeline; `graph` is null when the graph is off. */
export interface Extraction {
  facts: Promise<ExtractedFacts>
  graph: Promise<ExtractedGraph> | null
}

/**
 * Starts the first LLM round trip of a chunk (docs/contract.md). With the graph on and
 * `graph.extraction: "combined"` (the default) one `extract_memories` call feeds both pipelines;
 * with `"separate"`, `extract_facts` and `extract_graph` run side by side. Either way both
 * pipelines start at once and wait only for their own part. Every call is shown the `earlier`
 * conversation, when there is any, to resolve references such as "she" (README "Conversation context").
 */
export function startExtraction(ctx: PipelineContext, llm: LLM, input: AddInput, earlier?: EarlierConversation): Extraction {
  const today = input.observedAt
  if (!input.graph) return { facts: extractFacts(ctx, llm, input.messages, today, earlier), graph: null }
  if (ctx.config.graph.extraction === 'separate') {
    return {
      facts: extractFacts(ctx, llm, input.messages, today, earlier),
      graph: extractGraph(ctx, llm, input.messages, input.scope, today, earlier),
    }
  }
  const both = extractMemories(ctx, llm, input.messages, input.scope, today, earlier)
  return { facts: both.then((extracted) => extracted.facts), graph: both.then((extracted) => extracted.graph) }
}
