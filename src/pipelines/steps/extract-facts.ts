import type { TextMessage } from '../../input.js'
import { callTool } from '../../llm/call-tool.js'
import type { LLM } from '../../ports.js'
import { buildExtractFactsMessages, extractFactsTool } from '../../prompts/extract-facts.js'
import type { EarlierConversation } from '../../prompts/render.js'
import type { PipelineContext } from '../context.js'
import { capAnswer, MAX_FACTS_PER_ANSWER } from './answer-limits.js'

/** What an extraction yields for the fact pipeline. */
export interface ExtractedFacts {
  facts: string[]
  /** Facts dropped over the cap; reported as `facts` stage errors. */
  problems: string[]
}

/** LLM step `extract_facts`, then {@link cleanFacts}. `earlier` is shown only to resolve references. */
export async function extractFacts(
  ctx: PipelineContext,
  llm: LLM,
  messages: readonly TextMessage[],
  today: Date,
  earlier?: EarlierConversation,
): Promise<ExtractedFacts> {
  const { facts } = await callTool(llm, {
    messages: buildExtractFactsMessages({ messages, today, instructions: ctx.config.prompts.facts, earlier }),
    tool: extractFactsTool,
  })
  return cleanFacts(facts, 'extract_facts')
}

/**
 * Extracted facts trimmed, without blanks or repeats, at most {@link MAX_FACTS_PER_ANSWER} (more
 * are dropped and reported under `step`).
 */
export function cleanFacts(facts: readonly string[], step: string): ExtractedFacts {
  const distinct = [...new Set(facts.map((fact) => fact.trim()).filter((fact) => fact.length > 0))]
  const { kept, problems } = capAnswer(distinct, MAX_FACTS_PER_ANSWER, step, 'facts')
  return { facts: kept, problems }
}
