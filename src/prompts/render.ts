import type { TextMessage } from '../input.js'
import type { ChatMessage } from '../ports.js'

/**
 * Renders a conversation as the models see it: one line per message, with its role and, when
 * given, the speaker's name, so "I" can be told apart between speakers.
 */
export function renderConversation(messages: readonly TextMessage[]): string {
  return messages.map((message) => `${speaker(message)}: ${message.content}`).join('\n')
}

function speaker(message: TextMessage): string {
  return message.name === undefined ? message.role : `${message.role} (${message.name})`
}

/** Numbered lines: the small integer ids the models refer to instead of real ids (docs/contract.md). */
export function renderNumbered(lines: readonly string[]): string {
  return lines.length === 0 ? '(none)' : lines.map((line, index) => `${index}: ${line}`).join('\n')
}

/** The date the models are told is "today", as YYYY-MM-DD. */
export function renderDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** What came before the messages of an add: shown to the extraction steps, never extracted from. */
export interface EarlierConversation {
  /** The rolling summary of the scope's older conversation, or null when there is none yet. */
  summary: string | null
  /** The last messages before this add, oldest first. */
  messages: readonly TextMessage[]
}

/**
 * The messages of an extraction step: its instructions dated today, then the conversation. The
 * earlier conversation, when there is any, comes first in the user message under a heading that
 * confines it to resolving references, so a custom `config.prompts` text gets it too.
 */
export function extractionMessages(instructions: string, today: Date, messages: readonly TextMessage[], earlier?: EarlierConversation): ChatMessage[] {
  return [
    { role: 'system', content: `${instructions}\n\nToday's date: ${renderDate(today)}.` },
    { role: 'user', content: `${renderEarlier(earlier)}Conversation:\n${renderConversation(messages)}` },
  ]
}

function renderEarlier(earlier: EarlierConversation | undefined): string {
  if (earlier === undefined || (earlier.summary === null && earlier.messages.length === 0)) return ''
  const parts = [
    'Earlier in this conversation (already processed; use it only to understand who or what the conversation below refers to, ' +
      'such as who "she" or "it" is, and extract nothing from it):',
  ]
  if (earlier.summary !== null) parts.push(`Summary of older messages:\n${earlier.summary}`)
  if (earlier.messages.length > 0) parts.push(`Last messages:\n${renderConversation(earlier.messages)}`)
  return `${parts.join('\n\n')}\n\n`
}
