import type { Message } from '../../input.js'
import { callTool } from '../../llm/call-tool.js'
import type { LLM } from '../../ports.js'
import { buildExtractFactsMessages, extractFactsTool } from '../../prompts/extract-facts.js'
import type { PipelineContext } from '../context.js'
import { capAnswer, MAX_FACTS_PER_ANSWER } from './answer-limits.js'

/**
 * LLM step `extract_facts`: the conversation's facts, trimmed, without blanks or repeats, at most
 * {@link MAX_FACTS_PER_ANSWER} (more are dropped and reported).
 */
export async function extractFacts(ctx: PipelineContext, llm: LLM, messages: readonly Message[], today: Date): Promise<{ facts: string[]; problems: string[] }> {
  const { facts } = await callTool(llm, {
    messages: buildExtractFactsMessages({ messages, today, instructions: ctx.config.prompts.facts }),
    tool: extractFactsTool,
  })
  const distinct = [...new Set(facts.map((fact) => fact.trim()).filter((fact) => fact.length > 0))]
  const { kept, problems } = capAnswer(distinct, MAX_FACTS_PER_ANSWER, 'extract_facts', 'facts')
  return { facts: kept, problems }
}
