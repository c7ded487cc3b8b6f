import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultLocalLLMPath, FETCH_LLM_COMMAND } from '../../adapters/llamacpp/model-file.js'
import { type AddResult, type EngramConfig, EngramError, Memory, type Message } from '../../index.js'
import type { ParsedArgs } from '../args.js'
import { formatRelation, formatScored } from '../print.js'

/** The demo's scripted conversation; the llamacpp benchmark measures the same one. */
export const DEMO_CONVERSATION: Message[] = [
  { role: 'user', name: 'alice', content: "Hi! I'm Alice. I work as a nurse at Santa Maria hospital." },
  { role: 'assistant', content: 'Nice! Where do you live?' },
  { role: 'user', name: 'alice', content: "I live in Lisbon. I'm vegetarian. My brother Tom visits next month." },
]

const QUERIES = ['Where does Alice work?', 'What food does she eat?', 'Who is visiting?']

/**
 * `engram demo`: the whole loop on the embedded defaults, in a throw-away folder unless
 * `--data-dir` is given. With the local chat model fetched (`engram fetch-model --llm`) it runs
 * fully offline through both pipelines; otherwise it uses an LLM configured by the environment,
 * and without one says how to get one, then shows verbatim storage (`infer: false`) and search.
 */
export async function demo({ values }: ParsedArgs): Promise<number> {
  const dataDir = values['data-dir'] ?? (await mkdtemp(join(tmpdir(), 'engram-demo-')))
  const localModel = defaultLocalLLMPath()
  const config: EngramConfig = existsSync(localModel) ? { dataDir, llm: { provider: 'llamacpp', config: { modelPath: localModel } } } : { dataDir }
  const memory = await Memory.create(config)
  try {
    const scope = { userId: 'alice' }
    console.log(`Engram demo (data in ${dataDir})`)
    if (config.llm !== undefined) console.log(`LLM: ${localModel}, on this machine (a tiny model: it shows the wiring, not quality)`)
    console.log('\nConversation:')
    for (const message of DEMO_CONVERSATION) console.log(`  ${message.name ?? message.role}: ${message.content}`)
    const added = await addConversation(memory, scope)
    for (const event of added.results) console.log(`  ${event.event} ${event.memory}`)
    if (added.results.length === 0) console.log('  (none)')
    for (const error of added.errors ?? []) console.log(`  ${error.stage} step failed: ${error.message}`)
    for (const query of QUERIES) {
      const { results, relations } = await memory.search(query, { ...scope, limit: 2 })
      console.log(`\nsearch "${query}":`)
      for (const result of results) console.log(`  ${formatScored(result)}`)
      for (const relation of relations) console.log(`  ${relation.score.toFixed(3)}  ${formatRelation(relation)}`)
      if (results.length + relations.length === 0) console.log('  (nothing found)')
    }
    const { relations } = await memory.getAll(scope)
    console.log('\nThe knowledge graph:')
    console.log(relations.length === 0 ? '  (no relations)' : relations.map((relation) => `  ${formatRelation(relation)}`).join('\n'))
    return 0
  } finally {
    await memory.close()
    if (values['data-dir'] === undefined) await rm(dataDir, { recursive: true, force: true })
  }
}

/** Through the LLM when there is one; else verbatim, after saying how to get one. */
async function addConversation(memory: Memory, scope: { userId: string }): Promise<AddResult> {
  try {
    const added = await memory.add(DEMO_CONVERSATION, scope)
    console.log('\nThe LLM extracted these facts:')
    return added
  } catch (error) {
    if (!(error instanceof EngramError && error.code === 'LLM_UNAVAILABLE')) throw error
    console.log(
      `\nNo LLM is available, so facts cannot be extracted. To run this demo fully offline, fetch a small local model once (about 100 MB) with:\n` +
        `  ${FETCH_LLM_COMMAND}\n(${error.message})\n\nStoring the messages verbatim instead (infer: false):`,
    )
    return memory.add(DEMO_CONVERSATION, { ...scope, infer: false })
  }
}
