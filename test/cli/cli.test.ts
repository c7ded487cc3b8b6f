import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeOpenAIServer } from '../doubles/fake-openai-server.js'
import { testModelDir } from '../helpers/model-dir.js'

const run = promisify(execFile)
const BIN = join(import.meta.dirname, '../../dist/cli/main.js')

/** Runs the built CLI the way a user does; never throws, returns code and output. */
async function engram(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ENGRAM_MODEL_DIR: testModelDir(), ...env },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

// Each CLI run loads the embedding model: a few seconds each, more on a busy machine.
describe('engram CLI (built bin, real local embedder)', { timeout: 240_000 }, () => {
  let dataDir: string
  const withData = (args: string[]) => [...args, '--data-dir', dataDir]

  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" first (npm test does)`)
    dataDir = mkdtempSync(join(tmpdir(), 'engram-cli-'))
  })
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('adds verbatim, lists, searches, gets, shows history and deletes, with --json', async () => {
    const added = await engram(withData(['add', 'Alice is employed at a bank', '--user', 'alice', '--no-infer', '--metadata', 'source=cli', '--json']))
    expect(added.code).toBe(0)
    const id = JSON.parse(added.stdout).results[0].id as string
    await engram(withData(['add', 'Bob plays guitar on weekends', '--user', 'alice', '--no-infer']))

    const listed = JSON.parse((await engram(withData(['list', '--user', 'alice', '--json']))).stdout)
    expect(listed.results).toHaveLength(2)

    const found = JSON.parse((await engram(withData(['search', 'Where does Alice work?', '--user', 'alice', '--json']))).stdout)
    expect(found.results[0]).toMatchObject({ id, memory: 'Alice is employed at a bank', metadata: { source: 'cli' } })

    const human = await engram(withData(['search', 'Where does Alice work?', '--user', 'alice', '--limit', '1']))
    expect(human.stdout).toMatch(/^\d\.\d{3} {2}Alice is employed at a bank/)

    expect(JSON.parse((await engram(withData(['get', id, '--json']))).stdout).memory).toBe('Alice is employed at a bank')
    expect((await engram(withData(['delete', id]))).stdout).toContain(`deleted ${id}`)
    const history = JSON.parse((await engram(withData(['history', id, '--json']))).stdout)
    expect(history.map((entry: { event: string }) => entry.event)).toEqual(['ADD', 'DELETE'])
    expect((await engram(withData(['get', id]))).stderr).toContain('NOT_FOUND')
  })

  it('prints the context block for a question, within --max-tokens, dated', async () => {
    const added = JSON.parse((await engram(withData(['add', 'Dora is employed at a bank', '--user', 'dora', '--no-infer', '--json']))).stdout)
    const day = new Date().toISOString().slice(0, 10)
    const block = await engram(withData(['context', 'Where does Dora work?', '--user', 'dora', '--max-tokens', '40']))
    expect(block).toMatchObject({ code: 0, stdout: `Facts (each with the day it was stated):\n- ${day}: Dora is employed at a bank\n` })
    const json = JSON.parse((await engram(withData(['context', 'Where does Dora work?', '--user', 'dora', '--max-tokens', '40', '--json']))).stdout)
    expect(json).toMatchObject({ text: block.stdout.trimEnd(), items: [{ kind: 'fact', id: added.results[0].id }] })
    expect(json.tokens).toBeLessThanOrEqual(40)
    // Too small a budget for the first line: nothing on stdout, a note on stderr.
    expect(await engram(withData(['context', 'Where does Dora work?', '--user', 'dora', '--max-tokens', '5']))).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'no memories match\n',
    })
    expect((await engram(withData(['context', 'Dora', '--user', 'dora', '--max-tokens', '0']))).stderr).toMatch(
      /^engram: usage: --max-tokens must be a positive whole number/,
    )
  })

  it('prunes expired memories and applies a retention policy given by flags', async () => {
    // Far enough ahead for the next CLI start (the model loads each time), then waited out.
    const soon = new Date(Date.now() + 15_000).toISOString()
    const brief = JSON.parse((await engram(withData(['add', 'Parked on level 3', '--user', 'carol', '--no-infer', '--expires-at', soon, '--json']))).stdout)
    expect(JSON.parse((await engram(withData(['get', brief.results[0].id, '--json']))).stdout).expiresAt).toBe(soon)
    for (const text of ['Likes tea', 'Likes chess', 'Likes rain']) await engram(withData(['add', text, '--user', 'carol', '--no-infer']))
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(soon) - Date.now() + 100)))

    const expired = JSON.parse((await engram(withData(['prune', '--json']))).stdout)
    expect(expired).toEqual({ deleted: 1, relationsRemoved: 0 })
    const capped = await engram(withData(['prune', '--user', 'carol', '--max-count', '1']))
    expect(capped.stdout).toContain('deleted 2 expired memories')
    const left = JSON.parse((await engram(withData(['list', '--user', 'carol', '--json']))).stdout)
    expect(left.results.map((item: { memory: string }) => item.memory)).toEqual(['Likes rain'])
    expect((await engram(withData(['prune', '--max-count', 'many']))).stderr).toMatch(/^engram: usage: --max-count must be a positive whole number/)
  })

  it('exits non-zero with one line naming the problem', async () => {
    const noScope = await engram(withData(['add', 'text', '--no-infer']))
    expect(noScope.code).toBe(2)
    expect(noScope.stderr.trim().split('\n')).toHaveLength(1)
    expect(noScope.stderr).toContain('--user ID, --agent ID or --run ID')

    const noLLM = await engram(withData(['add', 'I like tea', '--user', 'a']))
    expect(noLLM.code).toBe(1)
    expect(noLLM.stderr).toMatch(/^engram: LLM_UNAVAILABLE: .*OPENAI_API_KEY/)

    const missing = await engram(withData(['delete', 'nope']))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('NOT_FOUND')

    const unknown = await engram(withData(['frobnicate']))
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown command')

    const badFlag = await engram(withData(['list', '--colour']))
    expect(badFlag.code).toBe(2)
  })

  it('points at the fetch command when the model is missing', async () => {
    const result = await engram(withData(['list', '--user', 'a']), { ENGRAM_MODEL_DIR: join(dataDir, 'no-model-here') })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('EMBEDDER_UNAVAILABLE')
    expect(result.stderr).toContain('npx engram fetch-model')
  })

  it('adds through an OpenAI-compatible server named by OPENAI_BASE_URL and prints the graph in every format', async () => {
    const server = await FakeOpenAIServer.byTool({
      extract_facts: () => ({ facts: ['Works at Acme'] }),
      extract_graph: () => ({
        entities: [
          { name: 'I', type: 'person' },
          { name: "Acme 'Labs'", type: 'organization' },
        ],
        relations: [{ source: 'I', relationship: 'works at', destination: "Acme 'Labs'" }],
      }),
    })
    try {
      const llmEnv = { OPENAI_BASE_URL: server.url, ENGRAM_LLM_MODEL: 'fake-model' }
      const added = await engram(withData(['add', "I work at Acme 'Labs'", '--user', 'gina', '--json']), llmEnv)
      expect(added.code).toBe(0)
      expect(JSON.parse(added.stdout).relations.added).toMatchObject([{ source: 'gina', relationship: 'WORKS_AT', destination: "Acme 'Labs'" }])

      const json = JSON.parse((await engram(withData(['graph', '--user', 'gina', '--json']))).stdout)
      expect(json.entities.map((entity: { name: string }) => entity.name).sort()).toEqual(["Acme 'Labs'", 'gina'])
      const cypher = (await engram(withData(['graph', '--user', 'gina', '--format', 'cypher']))).stdout
      expect(cypher).toContain('(e0:__Entity__ {name: ')
      expect(cypher).toMatch(/\(e\d\)-\[:WORKS_AT \{valid_from: '[^']+', mentions: 1, memory_ids: \['[0-9a-f-]{36}'\], user_id: 'gina'/)
      expect(cypher).toContain("name: 'Acme \\'Labs\\''")
      const graphml = (await engram(withData(['graph', '--user', 'gina', '--format', 'graphml']))).stdout
      expect(graphml).toContain('<data key="e_relationship">WORKS_AT</data>')
      expect(graphml).toContain('Acme &apos;Labs&apos;')
      const bad = await engram(withData(['graph', '--user', 'gina', '--format', 'dot']))
      expect(bad.code).toBe(2)
    } finally {
      await server.close()
    }
  })

  it('runs the demo without an LLM: names the command that fetches one, stores verbatim and searches', async () => {
    const home = mkdtempSync(join(tmpdir(), 'engram-home-')) // a HOME without the local chat model
    try {
      const demo = await engram(['demo'], { HOME: home })
      expect(demo.code).toBe(0)
      expect(demo.stdout).toContain('npx engram fetch-model --llm')
      expect(demo.stdout).toContain('OPENAI_API_KEY')
      expect(demo.stdout).toMatch(/search "Where does Alice work\?":\n {2}\d\.\d{3} {2}Hi! I'm Alice/)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })
})
