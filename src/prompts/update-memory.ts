import { z } from 'zod'
import type { ToolSpec } from '../llm/call-tool.js'
import type { ChatMessage } from '../ports.js'
import { MAX_MEMORY_TEXT_LENGTH, memoryText, shortText } from './model-output-limits.js'
import { renderDate, renderNumbered } from './render.js'

/** One decision of `update_memory` (docs/contract.md); `id` is a small integer id as shown, or new for ADD. */
export const memoryDecision = z.object({
  id: shortText().describe('The id of the existing memory as shown; for ADD any new id.'),
  text: memoryText().describe('The memory text after this decision.'),
  event: z.enum(['ADD', 'UPDATE', 'DELETE', 'NONE']),
  old_memory: z.string().max(MAX_MEMORY_TEXT_LENGTH).optional().describe('For UPDATE: the text being replaced.'),
})

export const updateMemoryArgs = z.object({ memory: z.array(memoryDecision) })

export type MemoryDecision = z.output<typeof memoryDecision>

export const updateMemoryTool: ToolSpec<typeof updateMemoryArgs> = {
  name: 'update_memory',
  description: 'Decide, for each new fact, how the stored memories change.',
  schema: updateMemoryArgs,
}

/** Default instructions; `config.prompts.updateMemory` replaces them. */
export const UPDATE_MEMORY_INSTRUCTIONS = `You keep a person's memory consistent. You see the memories already stored
(each with a small id) and facts that were just learned. For every new fact decide one event:
- ADD: new information not covered by any stored memory. Give it a new id.
- UPDATE: it refines or corrects a stored memory about the same thing. Keep that memory's id,
  write the merged text, and put the replaced text in old_memory. Prefer the more informative text.
- DELETE: it shows a stored memory is no longer true (a contradiction, a change of mind). Use that memory's id.
- NONE: it is already stored with the same meaning. Use that memory's id.
Only use ids that are shown. Mention each stored memory at most once.
Answer only by calling update_memory.`

export interface UpdateMemoryContext {
  existing: readonly string[]
  facts: readonly string[]
  today: Date
  instructions?: string
}

export function buildUpdateMemoryMessages(context: UpdateMemoryContext): ChatMessage[] {
  return [
    { role: 'system', content: `${context.instructions ?? UPDATE_MEMORY_INSTRUCTIONS}\n\nToday's date: ${renderDate(context.today)}.` },
    {
      role: 'user',
      content: `Stored memories:\n${renderNumbered(context.existing)}\n\nNew facts:\n${context.facts.map((fact) => `- ${fact}`).join('\n')}`,
    },
  ]
}
