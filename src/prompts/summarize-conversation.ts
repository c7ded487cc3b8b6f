import { z } from 'zod'
import type { TextMessage } from '../input.js'
import type { ToolSpec } from '../llm/call-tool.js'
import { modelText } from '../normalize.js'
import type { ChatMessage } from '../ports.js'
import { renderConversation, renderDate } from './render.js'

// About 500 tokens: enough to name the people, places and threads of a long conversation, small
// enough that every extraction prompt can carry it beside the last messages.
const SUMMARY_MAX_CHARS = 2000

/** Arguments of `summarize_conversation`: the scope's new rolling summary. */
export const summarizeConversationArgs = z.object({
  summary: z.string().max(SUMMARY_MAX_CHARS).transform(modelText).describe(`The updated summary, at most ${SUMMARY_MAX_CHARS} characters.`),
})

export const summarizeConversationTool: ToolSpec<typeof summarizeConversationArgs> = {
  name: 'summarize_conversation',
  description: 'Record the updated summary of the conversation so far.',
  schema: summarizeConversationArgs,
}

/** Default instructions of the rolling summary refresh; `config.prompts.summarizeConversation` replaces them. */
export const SUMMARIZE_CONVERSATION_INSTRUCTIONS = `You keep a short running summary of a conversation between a user and an assistant.
A memory system shows it, with the last few messages, when it reads the next messages, so that it
can tell who or what they refer to ("she", "the trip", "there").
Merge the previous summary and the messages since into one updated summary:
- Name the people, places, organisations and things that were discussed, with how they relate to the user.
- Keep what was decided, planned or asked and is still open; drop greetings and small talk.
- Prefer recent information where it contradicts older information.
- Write plain prose in the language of the conversation, at most ${SUMMARY_MAX_CHARS} characters.
Answer only by calling summarize_conversation.`

export interface SummarizeConversationContext {
  /** The summary so far, or null before the first refresh. */
  previous: string | null
  /** The messages the previous summary does not cover, oldest first. */
  messages: readonly TextMessage[]
  today: Date
  instructions?: string
}

export function buildSummarizeConversationMessages(context: SummarizeConversationContext): ChatMessage[] {
  return [
    { role: 'system', content: `${context.instructions ?? SUMMARIZE_CONVERSATION_INSTRUCTIONS}\n\nToday's date: ${renderDate(context.today)}.` },
    {
      role: 'user',
      content: `Previous summary:\n${context.previous ?? '(none)'}\n\nMessages since:\n${renderConversation(context.messages)}`,
    },
  ]
}
