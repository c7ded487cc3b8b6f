import type { Message } from '../../input.js'
import { callTool } from '../../llm/call-tool.js'
import type { LLM } from '../../ports.js'
import { buildExtractFactsMessages, extractFactsTool } from '../../prompts/extract-facts.js'
import type { PipelineContext } from '../context.js'

/** LLM step `extract_facts`: the conversation's facts, trimmed, without blanks or repeats. */
export async function extractFacts(ctx: PipelineContext, llm: LLM, messages: readonly Message[], today: Date): Promise<string[]> {
  const { facts } = await callTool(llm, {
    messages: buildExtractFactsMessages({ messages, today, instructions: ctx.config.prompts.facts }),
    tool: extractFactsTool,
  })
  return [...new Set(facts.map((fact) => fact.trim()).filter((fact) => fact.length > 0))]
}
