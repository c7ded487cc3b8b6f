import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SqliteHistoryStore } from '../../src/adapters/sqlite/sqlite-history-store.js'
import { parseCommandLine } from '../../src/cli/args.js'
import { importFile } from '../../src/cli/commands/import.js'
import { type EngramConfig, type LLM, Memory, type MemoryAdapters } from '../../src/index.js'
import type { ChatRequest, HistoryStore } from '../../src/ports.js'
import { MEMORY_BACKENDS, type MemoryBackend } from '../contract/backends.js'
import { neo4jGraphStore } from '../contract/neo4j-backend.js'
import { weaviateVectorStore } from '../contract/weaviate-backend.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { journalEntries } from '../helpers/journal-entries.js'
import { openTempMemory } from '../helpers/temp-memory.js'

/*
 * Isolation and erasure under faults. An add whose history write fails leaves its journal entry
 * for recovery: that entry, the conversation context and the read audit must stay with the stores
 * they were written for (another instance sharing the files neither replays nor shows them), and
 * deleteAll must erase them with everything else, so that no recovery writes the erased data back
 * and no byte of it is left in the files, in Neo4j or in Weaviate.
 */

const chatText = (request: ChatRequest) => request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n')

/**
 * Facts and relations named after the conversation's distinctive word (the last of `words` it
 * mentions), so each conversation's data carries its own token; each add's fact is new (numbered).
 */
function wordLLM(words: readonly string[]): ScriptedLLM {
  const about = (request: ChatRequest) => words.findLast((word) => chatText(request).includes(word)) ?? 'Nowhere'
  let fact = ''
  let facts = 0
  return new ScriptedLLM({
    extract_facts: (request) => {
      facts += 1
      fact = `Works at ${about(request)} Labs, fact ${facts}`
      return { facts: [fact] }
    },
    extract_graph: (request) => ({
      entities: [{ name: `${about(request)} Labs`, type: 'organization' }],
      relations: [{ source: 'I', relationship: 'WORKS_AT', destination: `${about(request)} Labs` }],
    }),
    update_memory: () => ({ memory: [{ id: '100', text: fact, event: 'ADD' }] }),
    // The graph-update step, asked when a new relation meets a stored one: it keeps both.
    required: () => ({ toolCalls: [{ name: 'noop', arguments: '{}' }], text: '' }),
    summarize_conversation: (request) => ({ summary: `Summary: ${chatText(request).slice(-200)}` }),
  })
}

/** The switch of a fault: while `on`, the history store's writes of adds fail. */
interface Fault {
  on: boolean
}

/** A history store whose add writes (`restore`) fail while the fault is on: the documented history-stage failure. */
function failingHistory(store: HistoryStore, fault: Fault): HistoryStore {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown
      if (typeof value !== 'function') return value
      if (property !== 'restore') return value.bind(target)
      return async (...args: unknown[]) => {
        if (fault.on) throw new Error('history write failed (injected fault)')
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)
      }
    },
  })
}

/** Every file under a folder, recursively. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/** The files under `folder` that hold `token`. */
function holding(folder: string, token: string): string[] {
  return filesUnder(folder).filter((file) => readFileSync(file).includes(Buffer.from(token, 'utf8')))
}

const servers = (backend: MemoryBackend) => backend.name !== 'sqlite'

describe.each(MEMORY_BACKENDS)('two instances with different stores and no dataDir ($name)', (backend) => {
  const root = mkdtempSync(join(tmpdir(), 'engram-two-instances-'))
  const savedDataDir = process.env.ENGRAM_DATA_DIR
  // The default data folder both instances fall back on for journal, context and audit.
  beforeAll(() => {
    process.env.ENGRAM_DATA_DIR = join(root, 'default')
  })
  afterAll(() => {
    if (savedDataDir === undefined) delete process.env.ENGRAM_DATA_DIR
    else process.env.ENGRAM_DATA_DIR = savedDataDir
    rmSync(root, { recursive: true, force: true })
  })

  const USER = { userId: 'alice' }
  const A_WORD = 'Zephyrquill'
  const B_WORD = 'Marblewisp'
  // On the servers, both instances share the one Neo4j database a test can have, so the second
  // instance keeps its graph in SQLite: its stores still differ (another Weaviate collection too).
  const collections = servers(backend) ? { a: weaviateVectorStore.location(), b: weaviateVectorStore.location() } : undefined

  async function open(name: 'a' | 'b', llm: LLM, fault: Fault): Promise<Memory> {
    const folder = join(root, name)
    const historyStore = failingHistory(await SqliteHistoryStore.open({ path: join(folder, 'history.db') }), fault)
    const sqliteGraph: EngramConfig = { graphStore: { provider: 'sqlite', config: { path: join(folder, 'graph.db') } } }
    if (!servers(backend)) {
      const config: EngramConfig = {
        vectorStore: { provider: 'sqlite', config: { path: join(folder, 'memories.db') } },
        ...sqliteGraph,
        audit: { enabled: true },
      }
      return Memory.create(config, { llm, embedder: new HashEmbedder(), historyStore })
    }
    const vectorStore = await weaviateVectorStore.open(collections![name])
    const adapters: MemoryAdapters = {
      llm,
      embedder: new HashEmbedder(),
      historyStore,
      vectorStore,
      ...(name === 'a' ? { graphStore: await neo4jGraphStore.open() } : {}),
    }
    return Memory.create({ ...(name === 'b' ? sqliteGraph : {}), audit: { enabled: true } }, adapters)
  }

  it('a fault in one leaves an entry that only its own instance recovers; neither sees the other’s history, graph, context or audit', async () => {
    const llmA = wordLLM([A_WORD, B_WORD])
    const llmB = wordLLM([A_WORD, B_WORD])
    const faultA: Fault = { on: false }
    let a = await open('a', llmA, faultA)
    let b = await open('b', llmB, { on: false })
    try {
      await a.add(`I work at ${A_WORD} Labs`, USER)
      await b.add(`I work at ${B_WORD} Labs`, USER)
      await a.search(`${A_WORD} secret query`, USER)
      faultA.on = true
      const failed = await a.add(`Still at ${A_WORD} Labs, the ${A_WORD} way`, USER)
      faultA.on = false
      expect(failed.errors?.map((error) => error.stage)).toEqual(['history'])
      const failedIds = failed.results.map((event) => event.id)
      expect(failedIds).toHaveLength(1)
      expect(journalEntries(join(root, 'default')), 'the failed add is journaled in the shared default folder').toHaveLength(1)

      // Restart both, B first: its recovery must leave A's entry alone.
      await a.close()
      await b.close()
      b = await open('b', llmB, { on: false })
      expect(await b.recover()).toMatchObject({ completed: 0, rolledBack: 0, failed: [] })
      expect(journalEntries(join(root, 'default'))).toHaveLength(1)
      await b.add(`Back at ${B_WORD} Labs`, USER)
      await b.flush()

      const exportedB = JSON.stringify(await b.transfer.export(USER)) // memories, entities, relations, history
      expect(exportedB).toContain(B_WORD)
      expect(exportedB).not.toContain(A_WORD)
      for (const id of failedIds) expect(await b.history(id)).toEqual([])
      expect(await b.graph.export(USER)).not.toContain(A_WORD)
      expect(JSON.stringify(await b.audit(USER))).not.toContain(A_WORD)
      expect(llmB.requests.map(chatText).join('\n'), 'B’s model never saw A’s conversation').not.toContain(A_WORD)

      // A's own restart completes its entry: its rows are there, and nothing of B.
      a = await open('a', llmA, faultA)
      expect(journalEntries(join(root, 'default'))).toEqual([])
      for (const event of failed.results) expect((await a.history(event.id)).map((entry) => entry.newMemory)).toEqual([event.memory])
      await a.add(`Again at ${A_WORD} Labs`, USER)
      const exportedA = JSON.stringify(await a.transfer.export(USER))
      expect(exportedA).toContain(A_WORD)
      expect(exportedA).not.toContain(B_WORD)
      expect(JSON.stringify(await a.audit(USER))).not.toContain(B_WORD)
      expect(llmA.requests.map(chatText).join('\n'), 'A’s model never saw B’s conversation').not.toContain(B_WORD)
    } finally {
      // One may be closed already, when an assertion failed between a close and the reopen.
      for (const memory of [a, b]) await memory.reset().catch(() => undefined)
      await a.close()
      await b.close()
    }
  }, 120_000)
})

describe.each(MEMORY_BACKENDS)('deleteAll leaves nothing of a scope, open, after a fault and after a restart ($name)', (backend) => {
  // Distinctive tokens: found only if something of the erased user is left.
  const GONE = 'zorblat7731'
  const SECRET = 'Quixotrix'
  const KEPT = 'bobkeeper42'
  const KEPT_WORD = 'Lisbonne'
  const collection = servers(backend) ? weaviateVectorStore.location() : undefined
  let dataDir: string | undefined
  afterEach(() => {
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
    dataDir = undefined
  })

  async function open(folder: string, llm: LLM, fault: Fault): Promise<Memory> {
    const historyStore = failingHistory(await SqliteHistoryStore.open({ path: join(folder, 'history.db') }), fault)
    const stores: MemoryAdapters = servers(backend) ? { vectorStore: await weaviateVectorStore.open(collection), graphStore: await neo4jGraphStore.open() } : {}
    return Memory.create(
      { dataDir: folder, ...backend.config, audit: { enabled: true }, context: { summaryEvery: 2 } },
      { llm, embedder: new HashEmbedder(), historyStore, ...stores },
    )
  }

  /** What Neo4j and Weaviate hold, as text: every node's and relationship's properties, every object of the collection. */
  async function serverContents(memory: Memory): Promise<string> {
    if (!servers(backend)) return ''
    const nodes = await memory.graph.cypher('MATCH (n) RETURN labels(n) AS labels, [k IN keys(n) WHERE k <> "embedding" | [k, n[k]]] AS props')
    const relationships = await memory.graph.cypher('MATCH ()-[r]->() RETURN type(r) AS type, properties(r) AS props')
    const objects = await fetch(`${process.env.WEAVIATE_URL}/v1/objects?class=${collection}&limit=10000`).then((response) => response.json())
    return JSON.stringify([nodes, relationships, objects])
  }

  /** Nothing of the erased user in any file of the data folder (WAL and journal included), nor on the servers; the kept user is. */
  async function expectErased(memory: Memory, folder: string, erasedIds: string[], when: string): Promise<void> {
    expect(holding(folder, KEPT).length, `${when}: the scan finds what is kept`).toBeGreaterThan(0)
    expect(holding(folder, GONE), `${when}: files holding the user id`).toEqual([])
    expect(holding(folder, SECRET), `${when}: files holding the erased words`).toEqual([])
    for (const id of erasedIds) expect(holding(folder, id), `${when}: files holding erased memory ${id}`).toEqual([])
    if (!servers(backend)) return
    const contents = await serverContents(memory)
    expect(contents, `${when}: the servers still hold the kept user`).toContain(KEPT)
    for (const token of [GONE, SECRET, ...erasedIds]) expect(contents.includes(token), `${when}: Neo4j or Weaviate holds ${token}`).toBe(false)
  }

  it('erases the scope’s journal entries, operation records, context, audit and WAL pages; recovery brings nothing back', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'engram-erasure-'))
    const llm = wordLLM([SECRET, KEPT_WORD])
    const fault: Fault = { on: false }
    let memory = await open(dataDir, llm, fault)
    try {
      const erasedIds: string[] = []
      for (const [userId, word] of [
        [GONE, SECRET],
        [KEPT, KEPT_WORD],
      ] as const) {
        for (let turn = 0; turn < 3; turn += 1) {
          const added = await memory.add(`Turn ${turn}: I work at ${word} Labs, ${word} forever`, { userId, runId: `${userId}-run` })
          if (userId === GONE) erasedIds.push(...added.results.map((event) => event.id))
        }
        await memory.search(`where does ${word} work`, { userId, actor: `${word}-auditor` })
      }
      // The fault: the user's next add keeps its journal entry (and, on Neo4j, its operation record).
      fault.on = true
      const failed = await memory.add(`Now at ${SECRET} Labs again, ${SECRET} always`, { userId: GONE, runId: `${GONE}-run` })
      fault.on = false
      expect(failed.errors?.map((error) => error.stage)).toEqual(['history'])
      erasedIds.push(...failed.results.map((event) => event.id))
      await memory.flush()
      expect(journalEntries(dataDir)).toHaveLength(1)
      expect(holding(dataDir, SECRET).length, 'the scan finds the user before the erasure').toBeGreaterThan(0)

      await memory.deleteAll({ userId: GONE })
      expect(journalEntries(dataDir), 'the unfinished entry is erased').toEqual([])
      await expectErased(memory, dataDir, erasedIds, 'open')

      await memory.close()
      memory = await open(dataDir, llm, fault)
      expect(await memory.recover()).toMatchObject({ completed: 0, rolledBack: 0, failed: [] })
      await expectErased(memory, dataDir, erasedIds, 'after a restart')
      // Last: these reads are themselves audited under the user's scope.
      for (const id of erasedIds) expect(await memory.history(id)).toEqual([])
      expect(await memory.getAll({ userId: GONE })).toEqual({ results: [], relations: [] })
      expect((await memory.getAll({ userId: KEPT })).results.length).toBeGreaterThan(0)
    } finally {
      await memory.reset()
      await memory.close()
    }
  }, 120_000)
})

describe.each(MEMORY_BACKENDS)('deleteAll waits for every add it covers ($name)', (backend) => {
  it('deleteAll({runId}) runs after a running add to {userId, runId}, whose memory it erases', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let started!: () => void
    const running = new Promise<void>((resolve) => (started = resolve))
    const llm = new ScriptedLLM({
      extract_facts: async () => {
        started()
        await held
        return { facts: ['Is in session nine'] }
      },
      extract_graph: () => ({ entities: [], relations: [] }),
      update_memory: () => ({ memory: [{ id: '100', text: 'Is in session nine', event: 'ADD' }] }),
    })
    const opened = await openTempMemory({ llm }, { ...backend.config, graph: { extraction: 'separate' } }, backend)
    try {
      const scope = { userId: 'alice', runId: 'session-9' }
      const adding = opened.memory.add('I am in session nine', scope)
      await running
      const erasing = opened.memory.deleteAll({ runId: 'session-9' })
      // Give deleteAll every chance to run before the add is let go.
      await new Promise((resolve) => setTimeout(resolve, 200))
      release()
      const [added] = await Promise.all([adding, erasing])
      expect(added.results.map((event) => event.event)).toEqual(['ADD'])
      expect((await opened.memory.getAll(scope)).results).toEqual([])
    } finally {
      await opened.dispose()
    }
  }, 60_000)
})

describe('import progress is bound to the stores imported into', () => {
  it('a file imported into one instance is imported again, whole, into an instance with other stores; not again into the first', async () => {
    const root = mkdtempSync(join(tmpdir(), 'engram-import-binding-'))
    const file = join(root, 'conversations.jsonl')
    const lines = ['I keep bees', 'I moved to Lisbon', 'I play the cello'].map((text) => JSON.stringify({ scope: { userId: 'alice' }, messages: text }))
    writeFileSync(file, `${lines.join('\n')}\n`)
    const importInto = async (name: string) => {
      const memory = await Memory.create(
        { dataDir: join(root, name), vectorStore: { provider: 'sqlite' }, graphStore: { provider: 'sqlite' } },
        { embedder: new HashEmbedder() },
      )
      try {
        const { json } = await importFile(memory, parseCommandLine(['import', file, '--no-infer']))
        return { summary: json as { imported: number; skipped: number }, stored: (await memory.getAll({ userId: 'alice' })).results.length }
      } finally {
        await memory.close()
      }
    }
    try {
      expect(await importInto('a')).toMatchObject({ summary: { imported: 3, skipped: 0 }, stored: 3 })
      expect(await importInto('b'), 'the progress of the import into a does not count for b').toMatchObject({ summary: { imported: 3, skipped: 0 }, stored: 3 })
      expect(await importInto('a'), 'the import into a is finished').toMatchObject({ summary: { imported: 0, skipped: 3 }, stored: 3 })
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
