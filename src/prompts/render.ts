import type { Message } from '../input.js'
import type { ChatMessage } from '../ports.js'

/**
 * Renders a conversation as the models see it: one line per message, with its role and, when
 * given, the speaker's name, so "I" can be told apart between speakers.
 */
export function renderConversation(messages: readonly Message[]): string {
  return messages.map((message) => `${speaker(message)}: ${message.content}`).join('\n')
}

function speaker(message: Message): string {
  return message.name === undefined ? message.role : `${message.role} (${message.name})`
}

/** Numbered lines: the small integer ids the models refer to instead of real ids (SPEC §3). */
export function renderNumbered(lines: readonly string[]): string {
  return lines.length === 0 ? '(none)' : lines.map((line, index) => `${index}: ${line}`).join('\n')
}

/** The date the models are told is "today", as YYYY-MM-DD. */
export function renderDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** The messages of an extraction step: its instructions dated today, then the conversation. */
export function extractionMessages(instructions: string, today: Date, messages: readonly Message[]): ChatMessage[] {
  return [
    { role: 'system', content: `${instructions}\n\nToday's date: ${renderDate(today)}.` },
    { role: 'user', content: `Conversation:\n${renderConversation(messages)}` },
  ]
}
