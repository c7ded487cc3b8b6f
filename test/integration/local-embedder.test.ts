import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LOCAL_EMBEDDING_MODELS } from '../../src/adapters/local/embedding-models.js'
import { LocalEmbedder } from '../../src/adapters/local/local-embedder.js'
import { defaultModelDir, locateModelFiles, MODEL_FILE, MODEL_NAME_FILE, TOKENIZER_FILE } from '../../src/adapters/local/model-files.js'
import { EngramError } from '../../src/errors.js'
import type { Vector } from '../../src/ports.js'

/**
 * The model these tests run, named rather than the default: the reference vectors are its own.
 * test/integration/local-models.test.ts runs every model.
 */
const MINILM = LOCAL_EMBEDDING_MODELS['all-MiniLM-L6-v2']
const MINILM_DIR = defaultModelDir(MINILM)

/** all-MiniLM-L6-v2's vectors from Python onnxruntime: see test/fixtures/generate-embedding-reference.py. */
const references: Array<{ text: string; vector: number[] }> = JSON.parse(readFileSync(new URL('../fixtures/embedding-reference.json', import.meta.url), 'utf8'))

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0
  let normA = 0
  let normB = 0
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i]! * b[i]!
    normA += a[i]! ** 2
    normB += b[i]! ** 2
  }
  return dot / Math.sqrt(normA * normB)
}

function norm(vector: Vector): number {
  return Math.hypot(...vector)
}

// Opened inside each test, so a missing model fails every test with the fetch-model message.
let opened: Promise<LocalEmbedder> | undefined
function embedder(): Promise<LocalEmbedder> {
  opened ??= LocalEmbedder.open({ model: MINILM, modelDir: MINILM_DIR })
  return opened
}

describe('LocalEmbedder', () => {
  afterAll(async () => {
    await (await opened?.catch(() => undefined))?.close()
  })

  it('matches the Python onnxruntime reference', async () => {
    const vectors = await (await embedder()).embed(
      references.map((r) => r.text),
      'document',
    )
    references.forEach((reference, i) => {
      expect(cosine(vectors[i]!, reference.vector), reference.text.slice(0, 40)).toBeGreaterThan(0.999)
    })
  })

  it('returns 384-dimensional unit vectors, one per text, in order', async () => {
    const texts = ['first', 'a somewhat longer second text', '', 'fourth']
    const vectors = await (await embedder()).embed(texts, 'document')
    expect(vectors).toHaveLength(texts.length)
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array)
      expect(vector).toHaveLength(384)
      expect(norm(vector)).toBeCloseTo(1, 5)
    }
    const [alone] = await (await embedder()).embed(['fourth'], 'document')
    expect(cosine(vectors[3]!, alone!)).toBeGreaterThan(0.9999)
  })

  // Batched with padding, this quantized model would give ≈ 0.99 here (per-tensor activation scales).
  it('embeds a text alone as it does in one call beside a much longer text', async () => {
    const model = await embedder()
    const short = 'Alice is employed at a bank.'
    const long = 'A batch padded to this text would be far wider than the short one. '.repeat(20)
    const [alone] = await model.embed([short], 'document')
    const [, inBatch] = await model.embed([long, short], 'document')
    expect(cosine(alone!, inBatch!)).toBeGreaterThan(0.9999)
  })

  it('keeps input order over many texts of varied length', async () => {
    const texts = Array.from({ length: 70 }, (_, i) => `memory number ${i}${' and more words'.repeat(i % 7)}`)
    const model = await embedder()
    const together = await model.embed(texts, 'document')
    const [first] = await model.embed([texts[0]!], 'document')
    const [last] = await model.embed([texts[69]!], 'document')
    expect(together).toHaveLength(70)
    expect(cosine(together[0]!, first!)).toBeGreaterThan(0.9999)
    expect(cosine(together[69]!, last!)).toBeGreaterThan(0.9999)
  })

  it('places a question nearer to its answer than to an unrelated fact', async () => {
    const [question, answer, unrelated] = await (await embedder()).embed(
      ['Where does Alice work?', 'Alice is employed at a bank', 'Bob plays guitar on weekends'],
      'document',
    )
    expect(cosine(question!, answer!)).toBeGreaterThan(cosine(question!, unrelated!))
  })

  it('returns no vectors for no texts', async () => {
    expect(await (await embedder()).embed([], 'document')).toEqual([])
  })

  it('fails with EMBEDDER_UNAVAILABLE and the fetch command when the model is missing', async () => {
    const error = await LocalEmbedder.open({ model: MINILM, modelDir: join(tmpdir(), 'engram-no-model-here') }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EngramError)
    expect((error as EngramError).code).toBe('EMBEDDER_UNAVAILABLE')
    expect((error as EngramError).message).toContain('npx engram fetch-model')
  })

  it('fails with EMBEDDER_UNAVAILABLE, keeping the cause, when the model file is broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engram-broken-model-'))
    try {
      copyFileSync(locateModelFiles(MINILM_DIR, MINILM).tokenizer, join(dir, TOKENIZER_FILE))
      writeFileSync(join(dir, MODEL_FILE), 'not an onnx model')
      writeFileSync(join(dir, MODEL_NAME_FILE), MINILM.name)
      const error = await LocalEmbedder.open({ model: MINILM, modelDir: dir }).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'EMBEDDER_UNAVAILABLE', cause: expect.any(Error) })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses to embed once closed', async () => {
    const model = await LocalEmbedder.open({ model: MINILM, modelDir: MINILM_DIR })
    await model.close()
    await model.close()
    await expect(model.embed(['text'], 'document')).rejects.toMatchObject({ code: 'EMBEDDER_UNAVAILABLE' })
  })
})
