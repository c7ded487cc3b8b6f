import type { TextMessage, Scope } from '../../input.js'
import { callTool } from '../../llm/call-tool.js'
import { selfName } from '../../normalize.js'
import type { LLM } from '../../ports.js'
import { buildExtractMemoriesMessages, extractMemoriesTool } from '../../prompts/extract-memories.js'
import type { EarlierConversation } from '../../prompts/render.js'
import type { PipelineContext } from '../context.js'
import { cleanFacts, type ExtractedFacts } from './extract-facts.js'
import { type ExtractedGraph, normalizeGraph } from './extract-graph.js'

/**
 * LLM step `extract_memories`: the facts and the graph of a conversation from one call, each
 * cleaned exactly as its own extraction step would clean it. `earlier` is shown only to resolve references.
 */
export async function extractMemories(
  ctx: PipelineContext,
  llm: LLM,
  messages: readonly TextMessage[],
  scope: Scope,
  today: Date,
  earlier?: EarlierConversation,
): Promise<{ facts: ExtractedFacts; graph: ExtractedGraph }> {
  const raw = await callTool(llm, {
    messages: buildExtractMemoriesMessages({ messages, today, self: selfName(scope), instructions: ctx.config.prompts.extractMemories, earlier }),
    tool: extractMemoriesTool,
  })
  return { facts: cleanFacts(raw.facts, 'extract_memories'), graph: normalizeGraph(raw, scope, 'extract_memories') }
}
