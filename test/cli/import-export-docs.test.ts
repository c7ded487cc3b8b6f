import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeOpenAIServer } from '../doubles/fake-openai-server.js'
import { testModelDir } from '../helpers/model-dir.js'
import { docCodeBlocks } from '../helpers/doc-snippets.js'
import { BIN } from './import-export-run.js'

const run = promisify(execFile)

/**
 * Runs a shell snippet of docs/import-export.md as a user would, with `npx engram` being the built bin, in `cwd`,
 * against the data dir and LLM given in `env`. `bash -e`: any failing line (a `diff` that finds a
 * difference) fails the run.
 */
function runSnippet(snippet: string, cwd: string, env: Record<string, string>) {
  const script = `set -eo pipefail\nnpx() { shift; node ${JSON.stringify(BIN)} "$@"; }\n${snippet}`
  return run('bash', ['-c', script], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ENGRAM_MODEL_DIR: testModelDir(), ...env } })
}

describe('docs/import-export.md: Import and export, Graph picture', () => {
  let cwd: string
  let server: FakeOpenAIServer
  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'engram-readme-'))
    const content = (body: { messages: Array<{ content?: unknown }> }) => JSON.stringify(body.messages.map((message) => message.content))
    server = await FakeOpenAIServer.byTool({
      extract_facts: (body) => ({ facts: [content(body).includes('Lisbon') ? 'Lives in Lisbon' : 'Keeps bees'] }),
      extract_graph: (body) =>
        content(body).includes('Lisbon')
          ? {
              entities: [
                { name: 'I', type: 'person' },
                { name: 'Lisbon', type: 'city' },
              ],
              relations: [{ source: 'I', relationship: 'lives in', destination: 'Lisbon' }],
            }
          : { entities: [], relations: [] },
    })
  })
  afterAll(async () => {
    await server.close()
    rmSync(cwd, { recursive: true, force: true })
  })

  it('imports the example conversations, exports, restores into ./copy identically, and draws the graph', async () => {
    const [conversations] = docCodeBlocks('docs/import-export.md', 'Import and export', 'jsonl')
    writeFileSync(join(cwd, 'conversations.jsonl'), conversations!)
    const env = { ENGRAM_DATA_DIR: join(cwd, 'data'), OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test', ENGRAM_LLM_MODEL: 'fake-model' }

    const [transfer] = docCodeBlocks('docs/import-export.md', 'Import and export', 'sh')
    const { stdout } = await runSnippet(transfer!, cwd, env)
    expect(stdout).toContain('imported 2, skipped 0, failed 0 of 2 lines')
    const exported = readFileSync(join(cwd, 'alice.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(exported).toContainEqual(expect.objectContaining({ kind: 'memory', text: 'Lives in Lisbon', observedAt: '2025-06-01T09:00:00.000Z' }))
    expect(exported).toContainEqual(expect.objectContaining({ kind: 'relation', relationship: 'LIVES_IN', validTo: null }))

    const [picture] = docCodeBlocks('docs/import-export.md', 'Graph picture', 'sh')
    await runSnippet(picture!, cwd, env)
    const html = readFileSync(join(cwd, 'graph.html'), 'utf8')
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('"relationship":"LIVES_IN"')
  })
})
