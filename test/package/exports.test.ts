import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
      await expect(memory.add('x', {} as never)).rejects.toBeInstanceOf(engram.EngramError)
    } finally {
      await memory.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
