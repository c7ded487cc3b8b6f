import type { TextMessage } from '../input.js'

/**
 * A cheap token estimate: about four characters per token for English text with the common
 * BPE tokenizers. Engram only uses it to size extraction chunks, where an error of a few
 * percent costs nothing; a real tokenizer would tie the core to one model family.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4)
}

/** Role and name markers each message adds to the rendered prompt. */
const PER_MESSAGE_TOKENS = 4

/**
 * Splits a conversation into consecutive chunks of at most `budget` estimated tokens, keeping
 * message order, roles and names. A single message longer than the budget is cut into parts at
 * sentence or word boundaries, each keeping its role and name. Nothing is dropped: the chunks
 * concatenated hold every character of every message.
 */
export function chunkConversation(messages: readonly TextMessage[], budget: number): TextMessage[][] {
  const chunks: TextMessage[][] = []
  let current: TextMessage[] = []
  let used = 0
  for (const message of messages.flatMap((m) => splitMessage(m, budget - PER_MESSAGE_TOKENS))) {
    const cost = estimateTokens(message.content) + PER_MESSAGE_TOKENS
    if (current.length > 0 && used + cost > budget) {
      chunks.push(current)
      current = []
      used = 0
    }
    current.push(message)
    used += cost
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

function splitMessage(message: TextMessage, budget: number): TextMessage[] {
  const maxChars = Math.max(1, budget * 4)
  if (message.content.length <= maxChars) return [message]
  const parts: TextMessage[] = []
  let rest = message.content
  while (rest.length > maxChars) {
    const cut = cutPoint(rest, maxChars)
    parts.push({ ...message, content: rest.slice(0, cut) })
    rest = rest.slice(cut)
  }
  if (rest.length > 0) parts.push({ ...message, content: rest })
  return parts
}

/** Last sentence end, else last white space, within the first `maxChars`; else a hard cut. */
function cutPoint(text: string, maxChars: number): number {
  const window = text.slice(0, maxChars)
  const sentence = Math.max(window.lastIndexOf('. '), window.lastIndexOf('! '), window.lastIndexOf('? '), window.lastIndexOf('\n'))
  if (sentence > maxChars / 2) return sentence + 1
  const space = window.lastIndexOf(' ')
  if (space > maxChars / 2) return space + 1
  // Never split a surrogate pair: a lone half would corrupt the text.
  const code = text.charCodeAt(maxChars - 1)
  return code >= 0xd800 && code <= 0xdbff ? maxChars - 1 : maxChars
}
