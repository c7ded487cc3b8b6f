import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Memory } from '../../src/index.js'
import { FakeOpenAIServer, reply } from '../doubles/fake-openai-server.js'
import { MEMORY_BACKENDS } from '../contract/backends.js'
import { testModelDir } from '../helpers/model-dir.js'

/**
 * The whole product path with nothing scripted in-process: the real `openai` client talks HTTP to
 * a local OpenAI-compatible fake, the real local embedding model embeds, and the stores are real:
 * the embedded SQLite files, and Neo4j + Weaviate.
 */
describe.each(MEMORY_BACKENDS)('$name: end to end with the openai provider over HTTP and the local embedder', (backend) => {
  let server: FakeOpenAIServer
  let memory: Memory
  let dataDir: string

  beforeAll(async () => {
    server = await FakeOpenAIServer.byTool({
      // The extraction (facts and graph in one call, the default) meets a rate limit first; the
      // retry policy must absorb it.
      extract_memories: (_body, index) =>
        index === 0
          ? reply.error(429, { retryAfter: 0 })
          : {
              facts: ['Alice is employed at a bank', 'Alice plays guitar on weekends'],
              entities: [
                { name: 'I', type: 'person' },
                { name: 'First Bank', type: 'organization' },
              ],
              relations: [{ source: 'I', relationship: 'works at', destination: 'First Bank' }],
            },
    })
    dataDir = mkdtempSync(join(tmpdir(), 'engram-e2e-'))
    memory = await Memory.create(
      {
        dataDir,
        ...backend.config,
        llm: { provider: 'openai', config: { baseURL: server.url, apiKey: 'test-key', model: 'fake-model', maxRetries: 2 } },
        embedder: { provider: 'local', config: { modelDir: testModelDir() } },
      },
      await backend.adapters(),
    )
  })
  afterAll(async () => {
    await memory.reset()
    await memory.close()
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('adds through both pipelines and finds the fact by meaning and the relation by name', async () => {
    const added = await memory.add(
      [
        { role: 'user', name: 'alice', content: 'I work at First Bank, and on weekends I play guitar.' },
        { role: 'assistant', content: 'Nice balance!' },
      ],
      { userId: 'alice' },
    )
    expect(added.errors).toBeUndefined()
    expect(added.results.map((event) => event.event)).toEqual(['ADD', 'ADD'])
    expect(added.relations.added).toMatchObject([{ source: 'alice', relationship: 'WORKS_AT', destination: 'First Bank' }])

    const chat = server.chatRequests
    expect(chat.map((body) => body.tool_choice)).toEqual([
      { type: 'function', function: { name: 'extract_memories' } },
      { type: 'function', function: { name: 'extract_memories' } }, // 429, then success
    ])
    expect(chat.every((body) => body.model === 'fake-model')).toBe(true)
    expect(JSON.stringify(chat[0]!.messages)).toContain('user (alice): I work at First Bank')

    const found = await memory.search('Where does Alice work?', { userId: 'alice' })
    expect(found.results[0]?.memory).toBe('Alice is employed at a bank')
    expect(found.relations[0]).toMatchObject({ source: 'alice', relationship: 'WORKS_AT', destination: 'First Bank', hops: 1 })
    const requestsBefore = server.chatRequests.length
    await memory.search('guitar', { userId: 'alice' })
    expect(server.chatRequests.length).toBe(requestsBefore) // search makes no LLM call
  })
})
