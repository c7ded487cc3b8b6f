import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { journalEntries } from '../helpers/journal-entries.js'
import { EngramError, Memory } from '../../src/index.js'
import { EMBEDDED_STORES } from '../contract/backends.js'
import { FakeOpenAIServer, reply, type ToolAnswerer } from '../doubles/fake-openai-server.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { MAX_ANSWER_BYTES } from '../../src/llm/call-tool.js'
import { MAX_MEMORY_TEXT_LENGTH, MAX_NAME_LENGTH } from '../../src/prompts/model-output-limits.js'

/*
 * LLM faults, through the real `openai` client over HTTP: each fault of the model
 * gives its defined outcome (retry, an `errors` entry naming the stage, or the EngramError) and
 * leaves nothing half-written. The stores are the embedded ones: what is tested is the add's
 * behaviour, which is the same on every backend (the store faults are in store-faults.test.ts).
 */

const SCOPE = { userId: 'llm-faults' }
const FACTS = { facts: ['Works at Initech', 'Lives in Oslo'] }
const GRAPH = {
  entities: [
    { name: 'I', type: 'person' },
    { name: 'Initech', type: 'organization' },
  ],
  relations: [{ source: 'I', relationship: 'works at', destination: 'Initech' }],
}

let cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const step of cleanup.reverse()) await step()
  cleanup = []
})

/**
 * A memory whose LLM is a scripted OpenAI-compatible server. Extraction is `separate` unless a
 * script answers `extract_memories`, so that most faults can hit one stage and spare the other.
 */
async function memoryAnswering(script: Record<string, ToolAnswerer>, options: { timeoutMs?: number } = {}) {
  const server = await FakeOpenAIServer.byTool(script)
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-llm-faults-'))
  const extraction = 'extract_memories' in script ? 'combined' : 'separate'
  const memory = await Memory.create(
    {
      dataDir,
      ...EMBEDDED_STORES,
      graph: { extraction },
      llm: { provider: 'openai', config: { baseURL: server.url, apiKey: 'test', maxRetries: 2, ...options } },
    },
    { embedder: new HashEmbedder() },
  )
  cleanup.push(async () => {
    await memory.close()
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return { memory, server, dataDir }
}

/** Everything the stores hold for the scope, and what the journal still holds. */
async function storedState(memory: Memory, dataDir: string) {
  const all = await memory.getAll({ ...SCOPE, limit: 100 })
  const graph = JSON.parse(await memory.graph.export(SCOPE, 'json')) as { entities: unknown[]; relations: Array<{ memoryIds: string[] }> }
  const unfinished = journalEntries(dataDir)
  const histories = await Promise.all(all.results.map((item) => memory.history(item.id)))
  return { memories: all.results, relations: graph.relations, entities: graph.entities, histories, unfinished }
}

describe('LLM faults in the middle of an add', () => {
  it('429 and 5xx are retried and the add succeeds as if nothing happened', async () => {
    const { memory, server } = await memoryAnswering({
      extract_facts: (_body, index) => (index === 0 ? reply.error(429, { retryAfter: 0 }) : index === 1 ? reply.error(502) : FACTS),
      extract_graph: (_body, index) => (index === 0 ? reply.error(503) : GRAPH),
    })
    const result = await memory.add('I work at Initech and live in Oslo', SCOPE)
    expect(result.errors).toBeUndefined()
    expect(result.results).toHaveLength(2)
    expect(result.relations.added).toHaveLength(1)
    expect(server.requests.filter((request) => request.path.endsWith('/chat/completions'))).toHaveLength(5)
  })

  it('a timeout is retried, then the stage fails with LLM_UNAVAILABLE while the other stage is kept', async () => {
    const { memory, dataDir } = await memoryAnswering(
      { extract_facts: () => reply.delay(2_000, reply.text('late')), extract_graph: () => GRAPH },
      { timeoutMs: 200 },
    )
    const result = await memory.add('I work at Initech', SCOPE)
    expect(result.errors).toHaveLength(1)
    expect(result.errors![0]).toMatchObject({ stage: 'facts' })
    expect(result.errors![0]!.message).toMatch(/did not answer|timed out/i)
    const state = await storedState(memory, dataDir)
    expect(state.memories).toEqual([])
    expect(state.relations).toHaveLength(1)
    expect(state.relations[0]!.memoryIds, 'no fact was stored for the relation to cite').toEqual([])
    expect(state.unfinished).toEqual([])
  }, 30_000)

  it('persistent 5xx on both stages throws LLM_UNAVAILABLE and writes nothing', async () => {
    const { memory, dataDir } = await memoryAnswering({ extract_facts: () => reply.error(500), extract_graph: () => reply.error(500) })
    const failure = await memory.add('I work at Initech', SCOPE).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(EngramError)
    expect((failure as EngramError).code).toBe('LLM_UNAVAILABLE')
    expect(await storedState(memory, dataDir)).toEqual({ memories: [], relations: [], entities: [], histories: [], unfinished: [] })
  })

  it('text instead of the tool call, twice, fails that stage with LLM_BAD_OUTPUT; the facts are kept', async () => {
    const { memory, dataDir } = await memoryAnswering({ extract_facts: () => FACTS, extract_graph: () => reply.text('Sure! Alice works at Initech.') })
    const result = await memory.add('I work at Initech and live in Oslo', SCOPE)
    expect(result.errors?.map((error) => error.stage)).toEqual(['graph'])
    expect(result.errors![0]!.message).toMatch(/LLM_BAD_OUTPUT|did not call|tool/i)
    const state = await storedState(memory, dataDir)
    expect(state.memories.map((item) => item.memory).sort()).toEqual([...FACTS.facts].sort())
    expect(state.relations).toEqual([])
    expect(state.histories.map((rows) => rows.map((row) => row.event))).toEqual([['ADD'], ['ADD']])
  })

  it('malformed JSON, then schema-invalid arguments: corrected once, then LLM_BAD_OUTPUT for that stage only', async () => {
    const { memory, dataDir } = await memoryAnswering({
      extract_facts: (_body, index) => (index === 0 ? reply.toolCall('extract_facts', '{"facts": ["Works at Initech"') : { facts: 'not a list' }),
      extract_graph: () => GRAPH,
    })
    const result = await memory.add('I work at Initech', SCOPE)
    expect(result.errors?.map((error) => error.stage)).toEqual(['facts'])
    const state = await storedState(memory, dataDir)
    expect(state.memories).toEqual([])
    expect(state.relations).toHaveLength(1)
  })

  it('a bad answer that is corrected on the retry leaves no trace of the fault', async () => {
    const { memory } = await memoryAnswering({
      extract_facts: (_body, index) => (index === 0 ? { facts: [42] } : FACTS),
      extract_graph: (_body, index) => (index === 0 ? reply.text('no tools today') : GRAPH),
    })
    const result = await memory.add('I work at Initech and live in Oslo', SCOPE)
    expect(result.errors).toBeUndefined()
    expect(result.results).toHaveLength(2)
    expect(result.relations.added).toHaveLength(1)
  })

  it('with the combined extraction, a 429 is retried, and text twice fails the whole add with LLM_BAD_OUTPUT, writing nothing', async () => {
    const retried = await memoryAnswering({ extract_memories: (_body, index) => (index === 0 ? reply.error(429, { retryAfter: 0 }) : { ...FACTS, ...GRAPH }) })
    const added = await retried.memory.add('I work at Initech and live in Oslo', SCOPE)
    expect(added.errors).toBeUndefined()
    expect(added.results).toHaveLength(2)
    const initech = added.results.find((event) => event.memory === 'Works at Initech')!
    expect(added.relations.added[0]!.memoryIds).toEqual([initech.id])

    const { memory, dataDir } = await memoryAnswering({ extract_memories: () => reply.text('Sure! Alice works at Initech.') })
    const failure = await memory.add('I work at Initech', SCOPE).catch((error: unknown) => error)
    expect((failure as EngramError).code).toBe('LLM_BAD_OUTPUT')
    expect(await storedState(memory, dataDir)).toEqual({ memories: [], relations: [], entities: [], histories: [], unfinished: [] })
  })

  it('an answer over the byte limit (100 facts of 200 KB for a 20-byte add) is refused: one short corrective retry, then LLM_BAD_OUTPUT; nothing is stored', async () => {
    const huge = { facts: Array.from({ length: 100 }, (_, index) => `Fact ${index} ${'x'.repeat(200_000)}`) }
    const { memory, server, dataDir } = await memoryAnswering({ extract_facts: () => huge, extract_graph: () => GRAPH })
    const result = await memory.add('I work at Initech :)', SCOPE)
    expect(result.errors?.map((error) => error.stage)).toEqual(['facts'])
    expect(result.errors![0]!.message).toContain(`more than the ${MAX_ANSWER_BYTES} one answer may have`)
    const state = await storedState(memory, dataDir)
    expect(state.memories).toEqual([])
    expect(state.relations).toHaveLength(1)
    // The retry shows the model the beginning of its answer, not 20 MB of it.
    const retry = server.chatRequests.filter((body) => JSON.stringify(body.tool_choice).includes('extract_facts'))[1]!
    expect(JSON.stringify(retry).length).toBeLessThan(20_000)
  })

  it('a fact, an entity name or a relation field over its length limit is refused like a schema error; at the limit it is stored', async () => {
    const long = (length: number) => `Likes ${'a'.repeat(length - 6)}`
    const longFact = await memoryAnswering({
      extract_facts: () => ({ facts: ['Lives in Oslo', long(MAX_MEMORY_TEXT_LENGTH + 1)] }),
      extract_graph: () => GRAPH,
    })
    const factRefused = await longFact.memory.add('I work at Initech and live in Oslo', SCOPE)
    expect(factRefused.errors?.map((error) => error.stage)).toEqual(['facts'])
    expect(factRefused.errors![0]!.message).toContain(`facts.1: Too big: expected string to have <=${MAX_MEMORY_TEXT_LENGTH} characters`)
    expect(await storedState(longFact.memory, longFact.dataDir)).toMatchObject({ memories: [], relations: [{}] })

    const longName = 'N'.repeat(MAX_NAME_LENGTH + 1)
    const longGraph = await memoryAnswering({
      extract_facts: () => FACTS,
      extract_graph: (_body, index) => ({
        entities: [{ name: longName, type: 'organization' }],
        relations: [{ source: 'I', relationship: index === 0 ? 'works at' : 'x'.repeat(MAX_NAME_LENGTH + 1), destination: 'Initech' }],
      }),
    })
    const graphRefused = await longGraph.memory.add('I work at Initech and live in Oslo', SCOPE)
    expect(graphRefused.errors?.map((error) => error.stage)).toEqual(['graph'])
    expect(graphRefused.errors![0]!.message).toContain('relations.0.relationship: Too big')
    expect(await storedState(longGraph.memory, longGraph.dataDir)).toMatchObject({ memories: [{}, {}], relations: [], entities: [] })

    const name = `${'N'.repeat(MAX_NAME_LENGTH - 4)} Inc`
    const atLimit = await memoryAnswering({
      extract_facts: () => ({ facts: [long(MAX_MEMORY_TEXT_LENGTH)] }),
      extract_graph: () => ({ entities: [{ name, type: 'organization' }], relations: [{ source: 'I', relationship: 'works at', destination: name }] }),
    })
    const stored = await atLimit.memory.add('I like it', SCOPE)
    expect(stored.errors).toBeUndefined()
    expect(stored.results.map((event) => event.memory.length)).toEqual([MAX_MEMORY_TEXT_LENGTH])
    expect(stored.relations.added).toHaveLength(1)
  })
})
