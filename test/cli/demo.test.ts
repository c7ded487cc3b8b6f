import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { testModelDir } from '../helpers/model-dir.js'

const run = promisify(execFile)
const BIN = join(import.meta.dirname, '../../dist/cli/main.js')

/**
 * `engram demo` with nothing configured and the local chat model fetched (`npm test` fetches it
 * into ~/.cache/engram): the built CLI runs the whole pipeline offline. The tiny model's answers
 * are not judged; the demo must get through every section and exit 0. (The path without a model
 * is in cli.test.ts.)
 */
describe('engram demo, fully offline with the local chat model', () => {
  it('adds the conversation through the LLM, then prints searches and the graph', async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" first (npm test does)`)
    // No OPENAI_* or Weaviate/Neo4j variables: only PATH and HOME, as for a new user.
    const { stdout } = await run(process.execPath, [BIN, 'demo'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ENGRAM_MODEL_DIR: testModelDir() },
    })
    expect(stdout).toContain('SmolLM2-135M-Instruct.Q4_1.gguf, on this machine')
    expect(stdout).toContain('The LLM extracted these facts:')
    expect(stdout).not.toContain('No LLM is available')
    expect(stdout).toMatch(/search "Where does Alice work\?":\n/)
    expect(stdout).toMatch(/The knowledge graph:\n {2}\S/)
  }, 600_000)
})
