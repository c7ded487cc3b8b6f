import type { TextMessage } from '../input.js'
import type { Speaker } from '../memory-records.js'
import type { LLM } from '../ports.js'
import type { AddInput } from './add-input.js'
import type { PipelineContext } from './context.js'
import { type FactWrites, NO_FACT_WRITES, planMemoryWrites } from './steps/plan-memory-writes.js'
import type { SupportingMemory } from './steps/plan-relation-writes.js'
import { addEveryFact, decideMemoryUpdates } from './steps/decide-memory-updates.js'
import type { ExtractedFacts } from './steps/extract-facts.js'
import { findNeighbours } from './steps/find-neighbours.js'

export interface FactPlan {
  /** What the add will write to the vector store (written by journal/commit-add.ts). */
  writes: FactWrites
  /** Ignored model decisions, reported as `facts` stage errors. */
  problems: string[]
  /** Memories stored or confirmed by this chunk: the provenance its relations cite. */
  supporting: SupportingMemory[]
}

/**
 * Facts (SPEC §3), for one chunk of a conversation, up to the write: from the extracted facts to
 * the memory-update decision, decided but not yet written. One line per step; each step lives in ./steps.
 */
export async function planFacts(ctx: PipelineContext, llm: LLM, input: AddInput, extraction: Promise<ExtractedFacts>): Promise<FactPlan> {
  const today = input.observedAt
  const { facts, problems } = await extraction //                       LLM: extract_facts or extract_memories
  if (facts.length === 0) return { writes: NO_FACT_WRITES, problems, supporting: [] } // nothing to remember: no second call
  const vectors = await ctx.embedder.embed(facts, 'document') //        one batched call for all facts
  const neighbours = await findNeighbours(ctx, vectors, input.scope) // top 5 per fact, same scope
  const decided = neighbours.some((near) => near.length > 0)
    ? await decideMemoryUpdates(ctx, llm, facts, neighbours, today) //  LLM: update_memory, integer ids
    : addEveryFact(facts) //                                            nothing to compare with: all ADD, no call
  const known = new Map(facts.map((fact, index) => [fact, vectors[index]!] as const))
  const writes = await planMemoryWrites(ctx, decided, known, { ...input, speaker: userSpeaker(input.messages) })
  const supporting = [
    ...writes.events.filter((event) => event.event !== 'DELETE').map((event) => ({ id: event.id, text: event.memory })),
    ...decided.confirmed.map((memory) => ({ id: memory.id, text: memory.text })),
  ]
  return { writes, problems: [...problems, ...decided.problems], supporting }
}

/** Facts come from the user's messages; when they all carry one name, that name is the actor. */
function userSpeaker(messages: readonly TextMessage[]): Speaker {
  const names = new Set(messages.filter((message) => message.role === 'user').map((message) => message.name))
  const [name] = names
  return names.size === 1 && name !== undefined ? { role: 'user', actor: name } : {}
}
