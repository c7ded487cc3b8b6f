import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FakeOpenAIServer } from '../doubles/fake-openai-server.js'
import { testModelDir } from '../helpers/model-dir.js'
import { docCodeBlocks } from '../helpers/doc-snippets.js'

const BIN = join(import.meta.dirname, '../../dist/cli/main.js')

interface ToolAnswer {
  isError: boolean
  text: string
  /** The text parsed as JSON, when it is JSON. */
  json: unknown
}

/** The built `engram mcp`, spawned and spoken to by the SDK's own client over stdio. */
describe('engram mcp (built bin, SDK client over stdio, real local embedder)', () => {
  let dataDir: string
  const clients: Client[] = []

  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" first (npm test does)`)
    dataDir = mkdtempSync(join(tmpdir(), 'engram-mcp-'))
  })
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()))
  })
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  /** Starts `node dist/cli/main.js <args>` on the shared data folder and connects to it. */
  async function connect(args: string[], env: Record<string, string> = {}) {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, ...args, '--data-dir', dataDir],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ENGRAM_MODEL_DIR: testModelDir(), ...env },
      stderr: 'pipe',
    })
    const client = new Client({ name: 'engram-test', version: '0.0.0' })
    await client.connect(transport)
    clients.push(client)
    const call = async (name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> => {
      const result = await client.callTool({ name, arguments: args })
      const text = (result.content as Array<{ type: string; text: string }>).map((part) => part.text).join('')
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        json = undefined
      }
      return { isError: result.isError === true, text, json }
    }
    return { client, call }
  }

  it('lists its tools with zod-made input schemas that take no scope', async () => {
    const { client } = await connect(['mcp', '--user', 'alice'])
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      ['add_memory', 'delete_memory', 'export_graph', 'get_memory', 'list_memories', 'memory_history', 'recall_context', 'search_memory'].sort(),
    )
    for (const tool of tools) {
      expect(tool.inputSchema).toMatchObject({ type: 'object', additionalProperties: false })
      expect(Object.keys(tool.inputSchema.properties ?? {})).not.toEqual(expect.arrayContaining(['userId']))
      expect(tool.description).toContain('Scope: userId=alice.')
    }
    const search = tools.find((tool) => tool.name === 'search_memory')!
    expect(search.inputSchema.required).toEqual(['query'])
  })

  it('adds verbatim, searches, gets, shows history, lists and deletes', async () => {
    const { call } = await connect(['mcp', '--user', 'carol'])
    const added = await call('add_memory', { messages: 'Carol is employed at a bank', infer: false, metadata: { source: 'mcp' } })
    expect(added.isError).toBe(false)
    const { id } = (added.json as { results: Array<{ id: string; event: string }> }).results[0]!
    await call('add_memory', { messages: [{ role: 'user', content: 'Carol plays guitar on weekends' }], infer: false })

    const found = (await call('search_memory', { query: 'Where does Carol work?', limit: 1 })).json as {
      results: Array<{ id: string; memory: string; score: number }>
    }
    expect(found.results).toHaveLength(1)
    expect(found.results[0]).toMatchObject({ id, memory: 'Carol is employed at a bank' })
    const day = new Date().toISOString().slice(0, 10)
    expect((await call('recall_context', { query: 'Where does Carol work?', maxTokens: 30 })).text).toBe(
      `Facts (each with the day it was stated):\n- ${day}: Carol is employed at a bank`,
    )
    expect((await call('recall_context', { query: 'Where does Carol work?', maxTokens: 3 })).text).toBe('Nothing in memory matches.')
    expect((await call('get_memory', { id })).json).toMatchObject({ id, userId: 'carol', metadata: { source: 'mcp' } })
    expect(((await call('list_memories')).json as { results: unknown[] }).results).toHaveLength(2)

    expect((await call('delete_memory', { id })).json).toEqual({ deleted: id })
    expect(((await call('memory_history', { id })).json as Array<{ event: string }>).map((entry) => entry.event)).toEqual(['ADD', 'DELETE'])
    const gone = await call('get_memory', { id })
    expect(gone).toMatchObject({ isError: true, text: `NOT_FOUND: no memory with id "${id}" in this scope` })
  })

  it('confines every tool to the start-up scope: ids of another scope are not found', async () => {
    const alice = await connect(['mcp', '--user', 'alice'])
    const id = (
      (await alice.call('add_memory', { messages: 'Alice keeps a diary in the blue drawer', infer: false })).json as { results: Array<{ id: string }> }
    ).results[0]!.id
    await alice.client.close()

    const mallory = await connect(['mcp', '--user', 'mallory'])
    for (const tool of ['get_memory', 'delete_memory', 'memory_history']) {
      expect(await mallory.call(tool, { id })).toMatchObject({ isError: true, text: `NOT_FOUND: no memory with id "${id}" in this scope` })
    }
    expect(((await mallory.call('search_memory', { query: 'diary blue drawer' })).json as { results: unknown[] }).results).toEqual([])
    expect(((await mallory.call('list_memories')).json as { results: unknown[] }).results).toEqual([])
    // A scope in the arguments is refused, not silently honoured or ignored.
    const smuggled = await mallory.call('search_memory', { query: 'diary', userId: 'alice' })
    expect(smuggled.isError).toBe(true)
    expect(smuggled.text).toMatch(/userId/)

    // The same scope narrowed by an agent sees only that agent's part of alice's memories.
    const aliceAgent = await connect(['mcp', '--user', 'alice', '--agent', 'planner'])
    expect(await aliceAgent.call('get_memory', { id })).toMatchObject({ isError: true, text: expect.stringMatching(/^NOT_FOUND: /) })

    const aliceAgain = await connect(['mcp', '--user', 'alice'])
    expect((await aliceAgain.call('get_memory', { id })).json).toMatchObject({ id, memory: 'Alice keeps a diary in the blue drawer' })
  })

  it('adds with inference through an OpenAI-compatible server and exports the graph', async () => {
    const llm = await FakeOpenAIServer.byTool({
      extract_memories: () => ({
        facts: ['Likes green tea'],
        entities: [
          { name: 'dave', type: 'person' },
          { name: 'green tea', type: 'drink' },
        ],
        relations: [{ source: 'dave', relationship: 'likes', destination: 'green tea' }],
      }),
    })
    try {
      const { call } = await connect(['mcp', '--user', 'dave'], { OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'test' })
      const added = (await call('add_memory', { messages: [{ role: 'user', content: 'I love green tea' }] })).json as {
        results: Array<{ event: string; memory: string }>
        relations: { added: Array<{ source: string; relationship: string; destination: string }> }
      }
      expect(added.results).toMatchObject([{ event: 'ADD', memory: 'Likes green tea' }])
      expect(added.relations.added).toMatchObject([{ source: 'dave', relationship: 'LIKES', destination: 'green tea' }])
      expect(llm.chatRequests.map((body) => (body.tool_choice as { function: { name: string } }).function.name)).toEqual(['extract_memories'])

      const graph = (await call('export_graph')).json as { relations: Array<{ relationship: string }> }
      expect(graph.relations.map((relation) => relation.relationship)).toEqual(['LIKES'])
      expect((await call('export_graph', { format: 'cypher' })).text).toMatch(/CREATE/)
    } finally {
      await llm.close()
    }
  })

  it('answers Engram errors and bad arguments as tool errors and keeps serving', async () => {
    const { call } = await connect(['mcp', '--user', 'erin'])
    const noLLM = await call('add_memory', { messages: 'I like tea' })
    expect(noLLM.isError).toBe(true)
    expect(noLLM.text).toMatch(/^LLM_UNAVAILABLE: .*OPENAI_API_KEY/)
    expect((await call('search_memory', { query: '   ' })).isError).toBe(true)
    expect((await call('export_graph', { format: 'dot' })).isError).toBe(true)
    expect((await call('list_memories')).json).toEqual({ results: [], relations: [] })
  })

  it('exits 0 when the client closes stdin, and refuses to start without a scope', async () => {
    const run = promisify(execFile)
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ENGRAM_MODEL_DIR: testModelDir() }
    const child = run(process.execPath, [BIN, 'mcp', '--user', 'alice', '--data-dir', dataDir], { env })
    child.child.stdin!.end()
    await expect(child).resolves.toMatchObject({ stdout: '' })

    const noScope = await run(process.execPath, [BIN, 'mcp', '--data-dir', dataDir], { env }).catch((error: { code: number; stderr: string }) => error)
    expect(noScope).toMatchObject({ code: 2, stderr: expect.stringMatching(/^engram: usage: mcp needs --user, --agent or --run/) })
  })

  it('runs the docs/mcp.md client configuration as written', async () => {
    const [config] = docCodeBlocks('docs/mcp.md', 'Client configuration', 'json')
    const { command, args } = (JSON.parse(config!) as { mcpServers: Record<string, { command: string; args: string[] }> }).mcpServers.engram!
    // The documented path is the package's bin as a project installs it; here, the package itself.
    expect([command, args[0]]).toEqual(['node', '/path/to/your-app/node_modules/engram/dist/cli/main.js'])
    const { call } = await connect(args.slice(1))
    await call('add_memory', { messages: 'Prefers answers in French', infer: false })
    expect(
      ((await call('search_memory', { query: 'answers in French' })).json as { results: Array<{ memory: string; userId: string }> }).results[0],
    ).toMatchObject({
      memory: 'Prefers answers in French',
      userId: 'alice',
    })
  })
})
