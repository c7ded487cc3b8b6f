import { limitFrom, positiveNumber, required, scopeFrom } from '../args.js'
import type { MemoryCommand } from './memory-commands.js'

/**
 * `engram context QUESTION --user ID [--max-tokens N] [--limit N]`: the block `memory.context`
 * builds, as text to paste into a prompt; `--json` adds the tokens it counts and the items it shows.
 */
export const context: MemoryCommand = async (memory, { values, rest }) => {
  const maxTokens = positiveNumber(values['max-tokens'], '--max-tokens', true)
  const limit = limitFrom(values)
  const result = await memory.context(required(rest, 'QUESTION'), scopeFrom(values), {
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(limit !== undefined ? { limit } : {}),
  })
  // Empty stdout when nothing matched, so that `$(engram context …)` pastes nothing; the note goes to stderr.
  return { json: result, print: () => (result.text === '' ? console.error('no memories match') : console.log(result.text)) }
}
