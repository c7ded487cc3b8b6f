import { z } from 'zod'
import type { TextMessage } from '../input.js'
import type { ToolSpec } from '../llm/call-tool.js'
import type { ChatMessage } from '../ports.js'
import { memoryText } from './model-output-limits.js'
import { type EarlierConversation, extractionMessages } from './render.js'

/** Arguments of `extract_facts` (docs/contract.md). */
export const extractFactsArgs = z.object({
  facts: z.array(memoryText()).describe('Short, self-contained facts; empty when the conversation holds none.'),
})

export const extractFactsTool: ToolSpec<typeof extractFactsArgs> = {
  name: 'extract_facts',
  description: 'Record the durable facts found in the conversation.',
  schema: extractFactsArgs,
}

/** What counts as a fact worth remembering; shared with the combined extraction prompt. */
export const FACTS_BRIEF = `the facts worth remembering in later conversations:
who the people are, their preferences and dislikes, plans and intentions, relationships,
work and studies, health, places, possessions, important dates and events.`

/** How facts are written; shared with the combined extraction prompt. */
export const FACT_RULES = `- One fact per item, a short sentence that stands on its own ("Is vegetarian", "Works at Acme as a nurse").
- Name people other than the user explicitly ("Sister Anna lives in Oslo"), never "she" or "he".
- Take facts from what the user says; take them from the assistant only when the user confirms them.
- Skip greetings, small talk, questions without an answer and anything only true for this moment.
- Keep the language the user wrote in.
- Resolve relative dates ("yesterday", "next week") against today's date.
- If nothing is worth remembering, return an empty list.`

/** Default instructions; `config.prompts.facts` replaces them. */
export const EXTRACT_FACTS_INSTRUCTIONS = `You maintain a long-term memory about the people an assistant talks with.
Read the conversation and pick out ${FACTS_BRIEF}

Rules:
${FACT_RULES}
Answer only by calling extract_facts.`

export interface ExtractFactsContext {
  messages: readonly TextMessage[]
  today: Date
  instructions?: string
  /** What came before these messages, to resolve references; nothing is extracted from it. */
  earlier?: EarlierConversation
}

export function buildExtractFactsMessages(context: ExtractFactsContext): ChatMessage[] {
  return extractionMessages(context.instructions ?? EXTRACT_FACTS_INSTRUCTIONS, context.today, context.messages, context.earlier)
}
