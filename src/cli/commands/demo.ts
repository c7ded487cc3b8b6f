import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultLocalLLMPath, FETCH_LLM_COMMAND } from '../../adapters/llamacpp/model-file.js'
import { type AddResult, type EngramConfig, EngramError, Memory, type Message } from '../../index.js'
import { readEnv } from '../../config/env.js'
import { resolveConfig } from '../../config/resolve.js'
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
 * `--data-dir` is given. The LLM is the OpenAI-compatible endpoint the environment configures
 * (`OPENAI_BASE_URL` / `OPENAI_API_KEY`) when there is one; else the local chat model when it is
 * fetched (`engram fetch-model --llm`), fully offline through both pipelines; else none: it says
 * how to get one, then shows verbatim storage (`infer: false`) and search.
 */
export async function demo({ values }: ParsedArgs): Promise<number> {
  const dataDir = values['data-dir'] ?? (await mkdtemp(join(tmpdir(), 'engram-demo-')))
  const { config, llm } = demoLLM(dataDir)
  const memory = await Memory.create(config)
  try {
    const scope = { userId: 'alice' }
    console.log(`Engram demo (data in ${dataDir})`)
    if (llm !== undefined) console.log(`LLM: ${llm}`)
    console.log('\nConversation:')
    for (const message of DEMO_CONVERSATION) console.log(`  ${message.name ?? message.role}: ${message.content}`)
    const added = await addConversation(memory, scope)
    for (const event of added.results) console.log(`  ${event.event} ${event.memory}`)
    if (added.results.length === 0) console.log('  (none)')
    for (const error of added.errors ?? []) console.log(`  (${error.stage}) ${error.message}`)
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

/** The demo's config and how to name its LLM: the configured endpoint first, then the local model. */
function demoLLM(dataDir: string): { config: EngramConfig; llm?: string } {
  const endpoint = resolveConfig({ dataDir }, readEnv()).llm
  if (endpoint?.provider === 'openai') {
    return {
      config: { dataDir },
      llm: `${endpoint.config.model ?? 'the default model'} at ${endpoint.config.baseURL ?? 'the OpenAI API'} (from OPENAI_BASE_URL / OPENAI_API_KEY)`,
    }
  }
  const localModel = defaultLocalLLMPath()
  if (!existsSync(localModel)) return { config: { dataDir } }
  return {
    config: { dataDir, llm: { provider: 'llamacpp', config: { modelPath: localModel } } },
    llm: `${localModel}, on this machine (a tiny model: it shows the wiring, not quality; set OPENAI_BASE_URL / OPENAI_API_KEY to use yours)`,
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
