import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_LOCAL_MODEL } from '../../src/adapters/local/embedding-models.js'
import { MODEL_NAME_FILE } from '../../src/adapters/local/model-files.js'
import { Memory } from '../../src/index.js'
import { EMBEDDED_STORES } from '../contract/backends.js'
import { rejection } from '../helpers/rejection.js'

/** A model dir that is there but cannot be used reaches the user as EMBEDDER_UNAVAILABLE, never a bare file-system or parse error. */
describe('an unusable local model dir', () => {
  const folder = mkdtempSync(join(tmpdir(), 'engram-model-dir-'))
  afterAll(() => rmSync(folder, { recursive: true, force: true }))
  const open = (modelDir: string) => Memory.create({ dataDir: join(folder, 'data'), ...EMBEDDED_STORES, embedder: { provider: 'local', config: { modelDir } } })

  it('is EMBEDDER_UNAVAILABLE when the path cannot be read as a folder (ENOTDIR, EACCES)', async () => {
    const notAFolder = join(folder, 'a-file')
    writeFileSync(notAFolder, 'not a folder')
    const error = await rejection(open(notAFolder))
    expect(error.code).toBe('EMBEDDER_UNAVAILABLE')
    expect(error.message).toContain('Cannot read the local embedding model file')
  })

  it('is EMBEDDER_UNAVAILABLE when the files are corrupt', async () => {
    const dir = mkdtempSync(join(folder, 'corrupt-'))
    writeFileSync(join(dir, 'model.onnx'), 'not a model')
    writeFileSync(join(dir, 'tokenizer.json'), '{ not json')
    // Named as the configured (default) model's, so that it is its files that are tried.
    writeFileSync(join(dir, MODEL_NAME_FILE), DEFAULT_LOCAL_MODEL)
    const error = await rejection(open(dir))
    expect(error.code).toBe('EMBEDDER_UNAVAILABLE')
    expect(error.message).toContain(`Cannot load the embedding model from ${dir}`)
  })
})
