import { memoryHistory, newMemory } from '../memory-records.js'
import type { AddInput } from './add-input.js'
import type { PipelineContext } from './context.js'
import { type FactWrites, NO_FACT_WRITES } from './steps/plan-memory-writes.js'

/**
 * `infer: false`: each non-system message becomes one memory, word for word, with no LLM call.
 * System messages are instructions to an assistant, not things a person said, so they are skipped.
 */
export async function planVerbatim(ctx: PipelineContext, input: AddInput): Promise<FactWrites> {
  const messages = input.messages.filter((message) => message.role !== 'system' && message.content.trim().length > 0)
  if (messages.length === 0) return NO_FACT_WRITES
  const vectors = await ctx.embedder.embed(messages.map((message) => message.content), 'document') // one batched call
  const now = ctx.now()
  const inserts = messages.map((message, index) => newMemory(message.content, vectors[index]!, input, now))
  return {
    inserts,
    updates: [],
    deletes: [],
    reinforcements: [],
    events: inserts.map((memory) => ({ id: memory.id, memory: memory.text, event: 'ADD' as const })),
    history: inserts.map((memory, index) => {
      const { role, name } = messages[index]!
      return memoryHistory('ADD', memory, null, memory.text, now, { role, ...(name !== undefined ? { actor: name } : {}) })
    }),
  }
}
