import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChatRequest, Memory } from '../../src/index.js'
import { MEMORY_BACKENDS } from '../contract/backends.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { openTempMemory } from '../helpers/temp-memory.js'

// Distinctive tokens: found in a file only if something of the erased user is left there.
const USER = 'zorblat7731'
const SECRET = 'Quixotrix'

const conversationText = (request: ChatRequest) => request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n')

/** Facts and relations named after the conversation's words, so each user's data carries its own tokens. */
function extractingLLM(): ScriptedLLM {
  const about = (request: ChatRequest) => (conversationText(request).includes(SECRET) ? SECRET : 'Lisbon')
  return new ScriptedLLM({
    extract_facts: (request) => ({ facts: [`Works at ${about(request)} Labs`] }),
    extract_graph: (request) => ({
      entities: [{ name: `${about(request)} Labs`, type: 'organization' }],
      relations: [{ source: 'I', relationship: 'WORKS_AT', destination: `${about(request)} Labs` }],
    }),
    update_memory: () => ({ memory: [] }),
    summarize_conversation: (request) => ({ summary: `Summary: ${conversationText(request).slice(-200)}` }),
  })
}

/** Every file under a folder, recursively. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe.each(MEMORY_BACKENDS)('deleteAll forgets a user completely ($name)', (backend) => {
  let dispose: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dispose?.()
    dispose = undefined
  })

  async function fill(memory: Memory): Promise<string[]> {
    const ids: string[] = []
    for (const [userId, word] of [
      [USER, SECRET],
      ['bob', 'Lisbon'],
    ] as const) {
      for (let turn = 0; turn < 3; turn += 1) {
        const added = await memory.add(`Turn ${turn}: I work at ${word} Labs, ${word} forever`, { userId, metadata: { note: `${word} note` } })
        ids.push(...added.results.map((event) => event.id))
      }
      await memory.add(`${word} verbatim ${userId}`, { userId, runId: `${userId}-run`, infer: false })
      await memory.search(`where does ${word} work`, { userId, actor: `${word}-auditor` })
      await memory.getAll({ userId, actor: `${word}-auditor` })
    }
    await memory.flush()
    return ids
  }

  it('leaves nothing of the user in any store, and the other user untouched', async () => {
    const opened = await openTempMemory({ llm: extractingLLM() }, { ...backend.config, audit: { enabled: true }, context: { summaryEvery: 2 } }, backend)
    dispose = opened.dispose
    const { memory } = opened
    const ids = await fill(memory)
    const userIds = ids.slice(0, ids.length / 2)
    expect((await memory.getAll({ userId: USER })).results.length).toBeGreaterThan(0)
    expect((await memory.audit({ userId: USER })).length).toBeGreaterThan(0)

    await memory.deleteAll({ userId: USER })
    // First, before the reads below are themselves logged under the user's scope.
    expect(await memory.audit({ userId: USER })).toEqual([])

    const all = await memory.getAll({ userId: USER })
    expect(all).toEqual({ results: [], relations: [] })
    expect(await memory.transfer.export({ userId: USER })).toEqual([]) // memories, entities, relations, history
    for (const id of userIds) expect(await memory.history(id)).toEqual([])
    expect(JSON.parse(await memory.graph.export({ userId: USER }))).toMatchObject({ entities: [], relations: [] })
    if (backend.name !== 'sqlite') {
      const rows = await memory.graph.cypher('MATCH (n) WHERE n.user_id = $user OR n.name CONTAINS $secret RETURN count(n) AS nodes', {
        user: USER,
        secret: SECRET,
      })
      expect(rows).toEqual([{ nodes: 0 }])
    }
    // bob keeps everything, context included: his next extraction still sees his earlier turns.
    expect((await memory.getAll({ userId: 'bob' })).results.map((item) => item.memory)).toContain('Works at Lisbon Labs')
    expect((await memory.audit({ userId: 'bob' })).length).toBeGreaterThan(0)
  })

  it.runIf(backend.name === 'sqlite')('leaves no byte of the user in the embedded files', async () => {
    const opened = await openTempMemory({ llm: extractingLLM() }, { audit: { enabled: true }, context: { summaryEvery: 2 } })
    dispose = opened.dispose
    await fill(opened.memory)
    await opened.memory.deleteAll({ userId: USER })
    await opened.memory.close()
    dispose = async () => rmSync(opened.dataDir, { recursive: true, force: true })

    const files = filesUnder(opened.dataDir)
    const holding = (token: string) => files.filter((file) => readFileSync(file).includes(Buffer.from(token, 'utf8')))
    // The scan does find what is still there: bob's data, in the same files.
    expect(holding('bob').length).toBeGreaterThan(0)
    expect(holding(`Lisbon Labs`).length).toBeGreaterThan(0)
    expect(holding(USER)).toEqual([])
    expect(holding(SECRET)).toEqual([])
  })
})
