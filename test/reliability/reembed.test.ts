import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LOCAL_EMBEDDING_MODELS } from '../../src/adapters/local/embedding-models.js'
import { LocalEmbedder } from '../../src/adapters/local/local-embedder.js'
import { defaultModelDir } from '../../src/adapters/local/model-files.js'
import { SqliteJournal } from '../../src/adapters/sqlite/sqlite-journal.js'
import { EngramError, Memory, reembed, type MemoryAdapters } from '../../src/index.js'
import { MEMORY_BACKENDS } from '../contract/backends.js'
import { neo4jGraphStore } from '../contract/neo4j-backend.js'
import { weaviateVectorStore } from '../contract/weaviate-backend.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { openStoresAt, type StoreLocation } from '../helpers/store-location.js'
import type { ReembedChildOrder } from './reembed-child.js'
import { reembedConfig } from './reembed-config.js'

/*
 * A store built with one embedding model is refused with another until `reembed` moves it; a
 * reembed killed in the middle (a child process, SIGKILL right after a batch's store write and
 * before it is noted) leaves stores that no Memory serves, and that a resumed reembed finishes,
 * or a reembed to the old model moves back. Both models run for real.
 */

const CHILD = fileURLToPath(new URL('./reembed-child.ts', import.meta.url))
const SCOPE = { userId: 'reembed' }
const MINILM = LOCAL_EMBEDDING_MODELS['all-MiniLM-L6-v2']
const BGE = LOCAL_EMBEDDING_MODELS['bge-small-en-v1.5']
// With the child's batches of 16: memories in 3 writes, entity names in 1.
const TEXTS = Array.from(
  { length: 40 },
  (_, index) => `Note ${index}: ${['Ana works at the clinic', 'Bo paints on Sundays', 'the boat needs repairs', 'Cy moved to Lisbon'][index % 4]} (${index})`,
)
const NAMES = ['Ana', 'Bo', 'Cy', 'the clinic', 'Lisbon', 'the boat', 'Sunday', 'Dee', 'Eli', 'Fay', 'the market', 'Porto']

const embedders = new Map<string, Promise<LocalEmbedder>>()
function embedder(model: typeof MINILM): Promise<LocalEmbedder> {
  if (!embedders.has(model.tag)) embedders.set(model.tag, LocalEmbedder.open({ model, modelDir: defaultModelDir(model) }))
  return embedders.get(model.tag)!
}

afterAll(async () => {
  for (const opened of embedders.values()) await (await opened).close()
})

describe.each(MEMORY_BACKENDS)('reembed on $name', (backend) => {
  const servers = backend.name !== 'sqlite'
  beforeAll(async () => {
    // Takes this file's hold on the Neo4j server, which empties it.
    if (servers) await (await neo4jGraphStore.open()).close()
  })
  // The Neo4j server holds one graph, which every test writes: emptied after each (its tag stays).
  afterEach(async () => {
    if (!servers) return
    const graph = await neo4jGraphStore.open()
    await graph.reset()
    await graph.close()
  })

  const locations: StoreLocation[] = []
  function newLocation(): StoreLocation {
    const location: StoreLocation = {
      dataDir: mkdtempSync(join(tmpdir(), 'engram-reembed-')),
      backend: servers ? 'neo4j+weaviate' : 'sqlite',
      ...(servers ? { collection: weaviateVectorStore.location() } : {}),
    }
    locations.push(location)
    return location
  }
  afterAll(() => {
    for (const { dataDir } of locations) rmSync(dataDir, { recursive: true, force: true })
  })

  async function adaptersAt(location: StoreLocation): Promise<MemoryAdapters> {
    return servers ? openStoresAt(location) : {}
  }

  async function open(location: StoreLocation, model: typeof MINILM): Promise<Memory> {
    return Memory.create(reembedConfig(location, model.name as never), await adaptersAt(location))
  }

  /** The stores of a new location, written with all-MiniLM-L6-v2: the memories verbatim, the entity names by restore. */
  async function built(): Promise<StoreLocation> {
    const location = newLocation()
    const memory = await open(location, MINILM)
    try {
      for (const text of TEXTS) await memory.add(text, { ...SCOPE, infer: false })
      const now = new Date().toISOString()
      await memory.transfer.restore(
        NAMES.map((name, index) => ({
          kind: 'entity',
          id: `entity-${index}`,
          key: name.toLowerCase(),
          name,
          type: 'thing',
          scope: SCOPE,
          mentions: 1,
          createdAt: now,
          updatedAt: now,
        })),
      )
    } finally {
      await memory.close()
    }
    return location
  }

  /** Every memory and entity name holds exactly the vector `model` gives its text as a document. */
  async function expectVectorsOf(location: StoreLocation, model: typeof MINILM): Promise<void> {
    const stores = await openStoresAt(location)
    try {
      const memories = await stores.vectorStore.list({ scope: SCOPE, limit: 100 })
      expect(memories).toHaveLength(TEXTS.length)
      const vectors = await (await embedder(model)).embed(
        memories.map((memory) => memory.text),
        'document',
      )
      for (const [index, memory] of memories.entries()) {
        const [hit] = await stores.vectorStore.nearest({ vector: vectors[index]!, scope: SCOPE, limit: 1 })
        expect(hit?.memory.id, memory.text).toBe(memory.id)
        expect(hit!.similarity).toBeGreaterThan(0.9999)
      }
      const matches = await stores.graphStore.similarEntities(SCOPE, await (await embedder(model)).embed(NAMES, 'document'), 0.9999)
      expect(matches.map((match) => match?.entity.name)).toEqual(NAMES)
    } finally {
      await Promise.all([stores.vectorStore.close(), stores.graphStore.close()])
    }
  }

  async function refused(location: StoreLocation, model: typeof MINILM): Promise<EngramError> {
    const error = await open(location, model).then(
      async (memory) => {
        await memory.close()
        throw new Error(`the stores opened with ${model.name}`)
      },
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(EngramError)
    expect((error as EngramError).code).toBe('INVALID_CONFIG')
    return error as EngramError
  }

  async function reembedAt(location: StoreLocation, model: typeof MINILM) {
    const adapters = await adaptersAt(location)
    try {
      return await reembed(reembedConfig(location, model.name as never), {}, adapters)
    } finally {
      await Promise.all([adapters.vectorStore?.close(), adapters.graphStore?.close()])
    }
  }

  it('refuses another model, naming both and engram reembed; reembed moves memories and entity names, then only the new model opens them', async () => {
    const location = await built()
    const error = await refused(location, BGE)
    expect(error.message).toContain(MINILM.tag)
    expect(error.message).toContain(BGE.tag)
    expect(error.message).toContain('engram reembed')

    const progress: number[] = []
    const adapters = await adaptersAt(location)
    const report = await reembed(reembedConfig(location, BGE.name as never), { onProgress: ({ done }) => progress.push(done) }, adapters)
    await Promise.all([adapters.vectorStore?.close(), adapters.graphStore?.close()])
    expect(report).toEqual({ model: BGE.tag, memories: TEXTS.length, entities: NAMES.length, resumed: 0 })
    expect(progress.at(-1)).toBe(NAMES.length)

    await expectVectorsOf(location, BGE)
    expect((await refused(location, MINILM)).message).toContain(`holds embeddings of ${BGE.tag}`)
    const memory = await open(location, BGE)
    try {
      const { results } = await memory.search('Who moved to Lisbon?', { ...SCOPE, limit: 1 })
      expect(results[0]?.memory).toContain('Cy moved to Lisbon')
      // Nothing left to move: a second run embeds nothing.
    } finally {
      await memory.close()
    }
    expect(await reembedAt(location, BGE)).toEqual({ model: BGE.tag, memories: 0, entities: 0, resumed: 0 })
  }, 240_000)

  it('killed in the middle, leaves stores no model opens, which a resumed reembed finishes without redoing noted batches', async () => {
    const location = await built()
    const run = await runChild({ ...location, model: 'bge-small-en-v1.5', killAfterWrite: 2 })
    expect(run.signal, run.output).toBe('SIGKILL')
    expect(run.output).toContain('BATCH vector store 16/40')
    expect(run.output).not.toContain('32/40')

    expect((await refused(location, MINILM)).message).toMatch(
      /did not finish.*bge-small-en-v1\.5-q configured to finish it.*all-MiniLM-L6-v2-q configured to move it back/,
    )
    expect((await refused(location, BGE)).message).toContain('did not finish')

    // The batch written but not noted before the kill is embedded again; the noted one is not.
    expect(await reembedAt(location, BGE)).toEqual({ model: BGE.tag, memories: TEXTS.length - 16, entities: NAMES.length, resumed: 16 })
    await expectVectorsOf(location, BGE)
    await (await open(location, BGE)).close()
  }, 240_000)

  it('killed in the middle, can be moved back to the model it came from', async () => {
    const location = await built()
    const run = await runChild({ ...location, model: 'bge-small-en-v1.5', killAfterWrite: 4 })
    expect(run.signal, run.output).toBe('SIGKILL')
    expect(run.output).toContain('BATCH vector store 40/40')

    expect(await reembedAt(location, MINILM)).toEqual({ model: MINILM.tag, memories: TEXTS.length, entities: NAMES.length, resumed: 0 })
    await expectVectorsOf(location, MINILM)
    await (await open(location, MINILM)).close()
    await refused(location, BGE)
  }, 240_000)

  it.runIf(!servers)(
    'counts a store from before model tags, with 384-dimensional vectors, as all-MiniLM-L6-v2',
    async () => {
      const location = await built()
      const stores = await openStoresAt(location)
      for (const store of [stores.vectorStore, stores.graphStore]) {
        await store.tagEmbeddingModel({ model: null, reembedTo: null })
        await store.close()
      }
      expect((await refused(location, BGE)).message).toContain(`holds embeddings of ${MINILM.tag}`)
      await (await open(location, MINILM)).close()
    },
    120_000,
  )

  it.runIf(!servers)(
    'refuses to run while an interrupted add waits for recovery, changing nothing',
    async () => {
      const location = await built()
      // The journal is bound to the stores: the entry is written for the ones reembed opens.
      const memory = await open(location, MINILM)
      const locations = memory.storeLocations
      await memory.close()
      const journal = await SqliteJournal.open({ path: join(location.dataDir, 'journal.db'), stores: locations })
      await journal.begin({
        id: 'interrupted',
        state: 'pending',
        ownerPid: 0,
        plan: '{}',
        progress: '{}',
        createdAt: new Date().toISOString(),
        scope: { userId: 'alice' },
      })
      await journal.close()
      const error = await reembed(reembedConfig(location, 'bge-small-en-v1.5')).catch((caught: unknown) => caught)
      expect(error).toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining('1 interrupted add(s) wait for recovery') })
      const stores = await openStoresAt(location)
      expect(await stores.vectorStore.embeddingModel()).toMatchObject({ model: MINILM.tag, reembedTo: null })
      await Promise.all([stores.vectorStore.close(), stores.graphStore.close()])
    },
    120_000,
  )

  it.runIf(!servers)(
    'refuses a model of another dimension, changing nothing',
    async () => {
      const location = await built()
      const error = await reembed(reembedConfig(location, 'all-MiniLM-L6-v2'), {}, { embedder: new HashEmbedder(64) }).catch((caught: unknown) => caught)
      expect(error).toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining('64-dimensional') })
      await (await open(location, MINILM)).close()
    },
    120_000,
  )
})

interface ChildRun {
  signal: NodeJS.Signals | null
  output: string
}

function runChild(order: ReembedChildOrder): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, REEMBED_CHILD: JSON.stringify(order) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (_code, signal) => resolve({ signal, output }))
  })
}
