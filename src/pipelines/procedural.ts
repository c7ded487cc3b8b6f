import { callTool } from '../llm/call-tool.js'
import { memoryHistory, newMemory } from '../memory-records.js'
import type { LLM } from '../ports.js'
import { buildSummarizeProcedureMessages, renderProcedure, summarizeProcedureTool } from '../prompts/summarize-procedure.js'
import type { AddInput } from './add-input.js'
import type { PipelineContext } from './context.js'
import { type FactWrites, NO_FACT_WRITES } from './steps/plan-memory-writes.js'

/**
 * Procedural memory (`memoryType: 'procedural'`): one agent run becomes ONE memory, a summary of
 * its goal, steps with their outputs, and outcome, instead of facts. No fact extraction, no update
 * decision against stored memories (each run is its own record, so two runs of one task are two
 * memories the agent can compare) and no graph: a run is a sequence, not relations between entities.
 */
export async function planProcedure(ctx: PipelineContext, llm: LLM, input: AddInput): Promise<FactWrites> {
  const summary = await callTool(llm, {
    messages: buildSummarizeProcedureMessages({ messages: input.messages, today: input.observedAt, instructions: ctx.config.prompts.summarizeProcedure }),
    tool: summarizeProcedureTool,
  }) //                                                                  LLM: summarize_procedure
  const text = renderProcedure(summary)
  const [vector] = await ctx.embedder.embed([text], 'document')
  const now = ctx.now()
  const memory = newMemory(text, vector!, input, now)
  return {
    ...NO_FACT_WRITES,
    inserts: [memory],
    events: [{ id: memory.id, memory: text, event: 'ADD' }],
    // The run is the agent's: its id names who the memory is about.
    history: [memoryHistory('ADD', memory, null, text, now, { role: 'assistant', actor: input.scope.agentId! })],
  }
}
