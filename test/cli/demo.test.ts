import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { FakeOpenAIServer } from '../doubles/fake-openai-server.js'
import { testModelDir } from '../helpers/model-dir.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '../..')
const BIN = join(ROOT, 'dist/cli/main.js')

/** Runs `engram demo` with only PATH, HOME, the test model and `env`: no inherited service or LLM settings. */
async function demo(env: Record<string, string> = {}): Promise<string> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" first (npm test does)`)
  const { stdout } = await run(process.execPath, [BIN, 'demo'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ENGRAM_MODEL_DIR: testModelDir(), ...env },
  })
  return stdout
}

/**
 * `engram demo` with nothing configured and the local chat model fetched (`npm test` fetches it
 * into ~/.cache/engram): the built CLI runs the whole pipeline offline. The tiny model's answers
 * are not judged; the demo must get through every section and exit 0. (The path without a model
 * is in cli.test.ts.)
 */
describe('engram demo, fully offline with the local chat model', () => {
  it('adds the conversation through the LLM, then prints searches and the graph', async () => {
    const stdout = await demo()
    expect(stdout).toContain('SmolLM2-135M-Instruct.Q4_1.gguf, on this machine')
    expect(stdout).toContain('The LLM extracted these facts:')
    expect(stdout).not.toContain('No LLM is available')
    expect(stdout).toMatch(/search "Where does Alice work\?":\n/)
    expect(stdout).toMatch(/The knowledge graph:\n {2}\S/)
  }, 600_000)
})

describe('engram demo with an OpenAI-compatible endpoint configured', () => {
  it('uses the endpoint instead of the local model, and drops a sentence-like relationship type with the reason', async () => {
    const server = await FakeOpenAIServer.byTool({
      extract_facts: () => ({ facts: ['Works as a nurse at Santa Maria hospital', 'Is vegetarian'] }),
      extract_graph: () => ({
        entities: [
          { name: 'Alice', type: 'person' },
          { name: 'Santa Maria hospital', type: 'organization' },
          { name: 'Lisbon', type: 'city' },
        ],
        relations: [
          { source: 'Alice', relationship: 'works at', destination: 'Santa Maria hospital' },
          { source: 'Alice', relationship: 'I_WORK_AS_A_NURSE_AT_SANTA_MARIA_HOSPITAL_I_M_VEGETARIAN', destination: 'Lisbon' },
        ],
      }),
    })
    try {
      const stdout = await demo({ OPENAI_BASE_URL: server.url, ENGRAM_LLM_MODEL: 'fake-model' })
      expect(stdout).toContain(`LLM: fake-model at ${server.url}`)
      expect(stdout).not.toContain('.gguf')
      expect(server.chatRequests.length).toBeGreaterThan(0)
      expect(stdout).toContain('The knowledge graph:\n  Alice -[WORKS_AT]-> Santa Maria hospital\n')
      expect(stdout).not.toContain('-[I_WORK_AS')
      expect(stdout).toMatch(/\(graph\) .*"I_WORK_AS_A_NURSE.*cannot be normalised: a relationship type is a short verb phrase/)
    } finally {
      await server.close()
    }
  }, 120_000)

  it('npm run demo does not fetch the local chat model when an endpoint is configured', async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'scripts/fetch-model.mjs'), '--demo', '--dir', testModelDir()], {
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    })
    expect(stdout).toContain('the demo uses that endpoint; no local chat model needed')
  })
})
