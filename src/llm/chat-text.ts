import type { ChatMessage } from '../ports.js'

/** The text of a chat message: its content, or its text parts joined (images left out). */
export function chatText(content: ChatMessage['content']): string {
  return typeof content === 'string' ? content : content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n')
}
