import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/resolve.js'
import { EngramError, Memory } from '../../src/index.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'

describe('configuration', () => {
  let dataDir: string
  const saved = { ...process.env }
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'engram-config-'))
    // The global setup points NEO4J_URI / WEAVIATE_URL at test servers; these tests are about the defaults.
    for (const name of [
      'OPENAI_API_KEY',
      'OPENAI_BASE_URL',
      'ENGRAM_LLM_MODEL',
      'ENGRAM_EMBEDDER',
      'NEO4J_URI',
      'NEO4J_USERNAME',
      'NEO4J_PASSWORD',
      'WEAVIATE_URL',
      'WEAVIATE_GRPC_PORT',
    ]) {
      delete process.env[name]
    }
  })
  afterEach(() => {
    process.env = { ...saved }
    rmSync(dataDir, { recursive: true, force: true })
  })

  it.each([
    ['an unknown top-level key', { dataDir: '/tmp/x', vectorstore: {} }, 'vectorstore'],
    ['an unknown provider', { llm: { provider: 'cohere', config: {} } }, 'llm'],
    ['an unknown provider option', { llm: { provider: 'openai', config: { modle: 'x', apiKey: 'k' } } }, 'modle'],
    ['a bad threshold', { graph: { entityThreshold: 2 } }, 'entityThreshold'],
    ['a langchain model that is not one', { llm: { provider: 'langchain', config: { model: {} } } }, 'bindTools'],
    [
      'a Neo4j time limit that is not a positive integer',
      { graphStore: { provider: 'neo4j', config: { url: 'bolt://127.0.0.1:9', cypherTimeoutMs: 0 } } },
      'cypherTimeoutMs',
    ],
  ])('rejects %s with INVALID_CONFIG naming it', async (_name, config, named) => {
    const error = await Memory.create(config as never, { embedder: new HashEmbedder() }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(EngramError)
    expect(error).toMatchObject({ code: 'INVALID_CONFIG' })
    expect((error as Error).message).toContain(named)
  })

  it("passes Neo4j's time limits to the graph store", () => {
    const resolved = resolveConfig(
      { graphStore: { provider: 'neo4j', config: { url: 'bolt://127.0.0.1:9', readTimeoutMs: 60_000, cypherTimeoutMs: 1234 } } },
      {},
    )
    expect(resolved.graphStore).toMatchObject({ provider: 'neo4j', readTimeoutMs: 60_000, cypherTimeoutMs: 1234 })
  })

  it('without an LLM, add says which variables to set, and infer:false, search and reads still work', async () => {
    const memory = await Memory.create({ dataDir }, { embedder: new HashEmbedder() })
    try {
      const error = await memory.add('I like tea', { userId: 'a' }).catch((caught: unknown) => caught)
      expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE' })
      expect((error as Error).message).toMatch(/OPENAI_API_KEY.*OPENAI_BASE_URL.*ENGRAM_LLM_MODEL/s)
      await memory.add('I like tea', { userId: 'a', infer: false })
      expect((await memory.search('tea', { userId: 'a' })).results).toHaveLength(1)
    } finally {
      await memory.close()
    }
  })

  it('an explicitly configured openai LLM without a key or URL is a config error', async () => {
    await expect(Memory.create({ dataDir, llm: { provider: 'openai', config: {} } }, { embedder: new HashEmbedder() })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining('OPENAI_API_KEY'),
    })
  })

  it('a closed Memory refuses further calls', async () => {
    const memory = await Memory.create({ dataDir }, { embedder: new HashEmbedder() })
    await memory.close()
    await memory.close()
    await expect(memory.getAll({ userId: 'a' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
  })

  it('close releases an LLM that holds resources (a local model), once', async () => {
    let closed = 0
    const llm = {
      model: 'local',
      chat: () => Promise.reject(new Error('unused')),
      close: async () => {
        closed += 1
      },
    }
    const memory = await Memory.create({ dataDir }, { embedder: new HashEmbedder(), llm })
    await memory.close()
    await memory.close()
    expect(closed).toBe(1)
  })

  it('keeps data across a close and a reopen of the same folder', async () => {
    const first = await Memory.create({ dataDir }, { embedder: new HashEmbedder() })
    const { results } = await first.add('Lives in Lisbon', { userId: 'a', infer: false })
    await first.close()
    const second = await Memory.create({ dataDir }, { embedder: new HashEmbedder() })
    try {
      expect((await second.get(results[0]!.id))?.memory).toBe('Lives in Lisbon')
      expect(await second.history(results[0]!.id)).toHaveLength(1)
    } finally {
      await second.close()
    }
  })
})
