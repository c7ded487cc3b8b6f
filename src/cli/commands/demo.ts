import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EngramError, Memory, type Message } from '../../index.js'
import type { ParsedArgs } from '../args.js'
import { formatScored } from '../print.js'

const CONVERSATION: Message[] = [
  { role: 'user', name: 'alice', content: "Hi! I'm Alice. I just moved to Lisbon and started as a nurse at Santa Maria hospital." },
  { role: 'assistant', content: 'Congratulations on the new job! How are you settling in?' },
  { role: 'user', name: 'alice', content: "Well, thanks. I'm vegetarian, so I'm still hunting for good restaurants. My brother Tom visits next month." },
]

const QUERIES = ['Where does Alice work?', 'What food does she eat?', 'Who is visiting?']

/**
 * `engram demo`: the whole loop on the embedded defaults, in a throw-away folder unless
 * `--data-dir` is given. Without an LLM it says how to configure one, then shows verbatim
 * storage (`infer: false`) and search, which need none.
 */
export async function demo({ values }: ParsedArgs): Promise<number> {
  const dataDir = values['data-dir'] ?? (await mkdtemp(join(tmpdir(), 'engram-demo-')))
  const memory = await Memory.create({ dataDir })
  try {
    const scope = { userId: 'alice' }
    console.log(`Engram demo (data in ${dataDir})\n\nConversation:`)
    for (const message of CONVERSATION) console.log(`  ${message.name ?? message.role}: ${message.content}`)
    let added
    try {
      added = await memory.add(CONVERSATION, scope)
      console.log('\nThe LLM extracted these facts:')
    } catch (error) {
      if (!(error instanceof EngramError && error.code === 'LLM_UNAVAILABLE')) throw error
      console.log(`\nNo LLM is reachable, so facts cannot be extracted:\n  ${error.message}\n\nStoring the messages verbatim instead (infer: false):`)
      added = await memory.add(CONVERSATION, { ...scope, infer: false })
    }
    for (const event of added.results) console.log(`  ${event.event} ${event.memory}`)
    for (const query of QUERIES) {
      const { results } = await memory.search(query, { ...scope, limit: 2 })
      console.log(`\nsearch "${query}":`)
      for (const result of results) console.log(`  ${formatScored(result)}`)
    }
    return 0
  } finally {
    await memory.close()
    if (values['data-dir'] === undefined) await rm(dataDir, { recursive: true, force: true })
  }
}
