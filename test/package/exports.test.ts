import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { EMBEDDED_STORES } from '../contract/backends.js'
import { testModelDir } from '../helpers/model-dir.js'

const root = join(import.meta.dirname, '../..')

/** What ships is what is tested: the built package, through its `exports`, from CommonJS and ESM. */
describe('package exports (built dist/)', () => {
  it.each([
    ['CommonJS require', () => createRequire(import.meta.url)(join(root, 'dist/index.cjs')) as typeof import('../../src/index.js')],
    ['ESM import', () => import(join(root, 'dist/index.js')) as Promise<typeof import('../../src/index.js')>],
  ])('%s gives a working Memory with the SQL statements found at run time', async (_name, load) => {
    const engram = await load()
    expect(engram.ERROR_CODES).toContain('INVALID_INPUT')
    const dataDir = mkdtempSync(join(tmpdir(), 'engram-exports-'))
    const memory = await engram.Memory.create({ dataDir, ...EMBEDDED_STORES, embedder: { provider: 'local', config: { modelDir: testModelDir() } } })
    try {
      await memory.add('Alice is employed at a bank', { userId: 'a', infer: false })
      const { results } = await memory.search('Where does Alice work?', { userId: 'a' })
      expect(results[0]?.memory).toBe('Alice is employed at a bank')
      // The context block loads its tokenizer, a runtime dependency, on first use.
      expect((await memory.context('Where does Alice work?', { userId: 'a' })).text).toMatch(/^Facts .*\n- \d{4}-\d\d-\d\d: Alice is employed at a bank$/)
      await expect(memory.add('x', {} as never)).rejects.toBeInstanceOf(engram.EngramError)
    } finally {
      await memory.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it.each([
    ['CommonJS require', () => createRequire(import.meta.url)('engram/langchain') as typeof import('engram/langchain')],
    ['ESM import', () => import('engram/langchain')],
  ])('%s of engram/langchain gives a retriever and tools over a Memory of the main entry', async (name, load) => {
    const { EngramRetriever, createMemoryTools } = await load()
    const engram = name === 'ESM import' ? await import('engram') : (createRequire(import.meta.url)('engram') as typeof import('engram'))
    const dataDir = mkdtempSync(join(tmpdir(), 'engram-exports-'))
    const memory = await engram.Memory.create({ dataDir, ...EMBEDDED_STORES, embedder: { provider: 'local', config: { modelDir: testModelDir() } } })
    try {
      const tools = createMemoryTools(memory, { userId: 'a', infer: false })
      expect(await tools[0]!.invoke({ text: 'Alice is employed at a bank' })).toMatch(/^ADD /)
      const [doc] = await new EngramRetriever(memory, { userId: 'a' }).invoke('Where does Alice work?')
      expect(doc).toMatchObject({ pageContent: 'Alice is employed at a bank', metadata: { kind: 'fact' } })
      // One copy of the core behind both entries: a scope error from the integration is the main entry's class.
      expect(() => new EngramRetriever(memory, {})).toThrow(engram.EngramError)
    } finally {
      await memory.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('the main entry loads without @langchain/core (an optional peer dependency)', async () => {
    const run = promisify(execFile)
    // CommonJS: nothing under @langchain/ in the require cache. ESM: a resolve hook that refuses @langchain/*.
    const commonjs = "require('engram'); console.log(Object.keys(require.cache).filter((path) => path.includes('@langchain')).length)"
    const hook = `data:text/javascript,${encodeURIComponent(
      "export async function resolve(specifier, context, next) { if (specifier.startsWith('@langchain/')) throw new Error('loaded ' + specifier); return next(specifier, context) }",
    )}`
    const esm = `import { register } from 'node:module'; register(${JSON.stringify(hook)}); const engram = await import('engram'); console.log(typeof engram.Memory)`
    expect((await run(process.execPath, ['-e', commonjs], { cwd: root })).stdout.trim()).toBe('0')
    expect((await run(process.execPath, ['--input-type=module', '-e', esm], { cwd: root })).stdout.trim()).toBe('function')
    const refused = `import { register } from 'node:module'; register(${JSON.stringify(hook)}); await import('engram/langchain')`
    await expect(run(process.execPath, ['--input-type=module', '-e', refused], { cwd: root })).rejects.toThrow(/loaded @langchain\/core/)
  })
})
