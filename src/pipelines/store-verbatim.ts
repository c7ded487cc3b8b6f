import { memoryHistory, newMemory } from '../memory-records.js'
import type { MemoryEvent } from '../types.js'
import type { AddInput } from './add-input.js'
import type { PipelineContext } from './context.js'
import { recordHistory } from './steps/apply-memory-updates.js'

/**
 * `infer: false`: each non-system message becomes one memory, word for word, with no LLM call.
 * System messages are instructions to an assistant, not things a person said, so they are skipped.
 */
export async function storeVerbatim(ctx: PipelineContext, input: AddInput): Promise<{ events: MemoryEvent[]; historyError?: string }> {
  const messages = input.messages.filter((message) => message.role !== 'system' && message.content.trim().length > 0)
  if (messages.length === 0) return { events: [] }
  const vectors = await ctx.embedder.embed(messages.map((message) => message.content)) // one batched call
  const now = ctx.now()
  const memories = messages.map((message, index) => newMemory(message.content, vectors[index]!, input.scope, input.metadata, now, input.observedAt))
  await ctx.vectorStore.insert(memories)
  const history = memories.map((memory, index) => {
    const { role, name } = messages[index]!
    return memoryHistory('ADD', memory, null, memory.text, now, { role, ...(name !== undefined ? { actor: name } : {}) })
  })
  return {
    events: memories.map((memory) => ({ id: memory.id, memory: memory.text, event: 'ADD' as const })),
    ...(await recordHistory(ctx, history)),
  }
}
