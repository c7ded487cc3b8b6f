import { sameScope, type Scope } from '../../input.js'
import { callTool } from '../../llm/call-tool.js'
import type { LLM, StoredMemory } from '../../ports.js'
import { buildUpdateMemoryMessages, type MemoryDecision, updateMemoryTool } from '../../prompts/update-memory.js'
import type { PipelineContext } from '../context.js'

/** A change to the stored facts, with real memories in place of the model's small ids. */
export type MemoryChange = { event: 'ADD'; text: string } | { event: 'UPDATE'; target: StoredMemory; text: string } | { event: 'DELETE'; target: StoredMemory }

export interface MemoryChanges {
  changes: MemoryChange[]
  /** Stored memories the model found already say a new fact (NONE): provenance for the graph. */
  confirmed: StoredMemory[]
  /** Decisions that were ignored, and why (unknown ids, repeats); reported as stage errors. */
  problems: string[]
}

/** Every fact is new: the decision when no fact has a stored neighbour, made without an LLM call. */
export function addEveryFact(facts: readonly string[]): MemoryChanges {
  return { changes: facts.map((text) => ({ event: 'ADD', text })), confirmed: [], problems: [] }
}

/**
 * LLM step `update_memory`. The model sees the union of the facts' neighbours under small
 * integer ids (docs/contract.md: real ids never reach it, so it cannot invent or leak them).
 */
export async function decideMemoryUpdates(
  ctx: PipelineContext,
  llm: LLM,
  facts: readonly string[],
  neighbours: readonly StoredMemory[][],
  today: Date,
): Promise<MemoryChanges> {
  const existing = [...new Map(neighbours.flat().map((memory) => [memory.id, memory])).values()]
  const { memory: decisions } = await callTool(llm, {
    messages: buildUpdateMemoryMessages({
      existing: existing.map((memory) => memory.text),
      facts,
      today,
      instructions: ctx.config.prompts.updateMemory,
    }),
    tool: updateMemoryTool,
  })
  return resolveDecisions(decisions, existing)
}

/**
 * The changes and confirmations that touch memories of exactly the add's scope; any other is
 * refused and reported. Neighbours are read from that scope alone (find-neighbours.ts), so this
 * holds even if a store or a model's answer ever named another scope's memory: an add never
 * rewrites, deletes or reinforces what another scope stored.
 */
export function confineToScope(decided: MemoryChanges, scope: Scope): MemoryChanges {
  const problems = [...decided.problems]
  const inScope = (memory: StoredMemory, event: string) => {
    if (sameScope(memory.scope, scope)) return true
    problems.push(`update_memory: ${event} of memory ${memory.id}, which belongs to another scope, refused`)
    return false
  }
  return {
    changes: decided.changes.filter((change) => change.event === 'ADD' || inScope(change.target, change.event)),
    confirmed: decided.confirmed.filter((memory) => inScope(memory, 'NONE')),
    problems,
  }
}

function resolveDecisions(decisions: readonly MemoryDecision[], existing: readonly StoredMemory[]): MemoryChanges {
  const changes: MemoryChange[] = []
  const confirmed: StoredMemory[] = []
  const problems: string[] = []
  const touched = new Set<string>()
  const added = new Set<string>()
  for (const decision of decisions) {
    const text = decision.text.trim()
    if (decision.event === 'ADD') {
      if (text.length > 0 && !added.has(text) && !existing.some((memory) => memory.text === text)) {
        added.add(text)
        changes.push({ event: 'ADD', text })
      }
      continue
    }
    const target = /^\d+$/.test(decision.id) ? existing[Number(decision.id)] : undefined
    if (decision.event === 'NONE') {
      if (target !== undefined) confirmed.push(target)
    } else if (target === undefined) {
      problems.push(`update_memory: ${decision.event} names memory id "${decision.id}", which was not shown; ignored`)
    } else if (touched.has(target.id)) {
      problems.push(`update_memory: memory id "${decision.id}" is changed twice; only the first change is applied`)
    } else if (decision.event === 'DELETE') {
      touched.add(target.id)
      changes.push({ event: 'DELETE', target })
    } else if (text.length > 0 && text !== target.text) {
      touched.add(target.id)
      changes.push({ event: 'UPDATE', target, text })
    }
  }
  return { changes, confirmed, problems }
}
