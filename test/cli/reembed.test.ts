import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_LOCAL_MODEL, LOCAL_EMBEDDING_MODELS } from '../../src/adapters/local/embedding-models.js'
import { testModelDir } from '../helpers/model-dir.js'

const DEFAULT_TAG = LOCAL_EMBEDDING_MODELS[DEFAULT_LOCAL_MODEL].tag

const run = promisify(execFile)
const BIN = join(import.meta.dirname, '../../dist/cli/main.js')

/** Runs the built CLI the way a user does; never throws. Each model from its default dir unless ENGRAM_MODEL_DIR is given. */
async function engram(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

describe('engram reembed (built bin, real local models)', () => {
  let dataDir: string
  const withData = (args: string[]) => [...args, '--data-dir', dataDir]
  const BGE = { ENGRAM_EMBEDDER_MODEL: 'bge-small-en-v1.5' }

  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" first (npm test does)`)
    dataDir = mkdtempSync(join(tmpdir(), 'engram-cli-reembed-'))
  })
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('refuses a store of another model, moves it with progress, then serves it with the new one only', async () => {
    const minilm = { ENGRAM_EMBEDDER_MODEL: 'all-MiniLM-L6-v2' }
    expect((await engram(withData(['add', 'Ana started at the clinic in May', '--user', 'ana', '--no-infer']), minilm)).code).toBe(0)
    expect((await engram(withData(['add', 'Bo paints on Sundays', '--user', 'ana', '--no-infer']), minilm)).code).toBe(0)

    const refused = await engram(withData(['search', 'Where does Ana work?', '--user', 'ana']), BGE)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      /INVALID_CONFIG: the vector store holds embeddings of all-MiniLM-L6-v2-q, but the configured embedding model is bge-small-en-v1\.5-q.*engram reembed/,
    )
    // all-MiniLM-L6-v2 was the default before bge-small-en-v1.5: a store built then is refused
    // when no model is configured, with the same message, rather than searched with mixed vectors.
    const refusedByDefault = await engram(withData(['search', 'Where does Ana work?', '--user', 'ana']), { ENGRAM_MODEL_DIR: testModelDir() })
    expect(refusedByDefault.code).toBe(1)
    expect(refusedByDefault.stderr).toMatch(
      new RegExp(
        `INVALID_CONFIG: the vector store holds embeddings of all-MiniLM-L6-v2-q, but the configured embedding model is ${DEFAULT_TAG.replaceAll('.', '\\.')}.*engram reembed`,
      ),
    )

    const moved = await engram(withData(['reembed', '--model', 'bge-small-en-v1.5']))
    expect(moved.code, moved.stderr).toBe(0)
    expect(moved.stderr).toContain('reembed vector store: 2/2 texts')
    expect(moved.stdout).toContain('the stores hold bge-small-en-v1.5-q embeddings: 2 memories and 0 entity names embedded again')

    const found = await engram(withData(['search', 'Where does Ana work?', '--user', 'ana', '--json']), BGE)
    expect(found.code, found.stderr).toBe(0)
    expect(JSON.parse(found.stdout).results[0].memory).toBe('Ana started at the clinic in May')
    expect((await engram(withData(['list', '--user', 'ana']), minilm)).stderr).toContain('holds embeddings of bge-small-en-v1.5-q')
  }, 120_000)

  it('refuses an unknown model name as a usage error', async () => {
    const result = await engram(withData(['reembed', '--model', 'bert-huge']))
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--model must be one of all-MiniLM-L6-v2, bge-small-en-v1.5, e5-small-v2')
  })
})
