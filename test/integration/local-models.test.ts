import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LOCAL_EMBEDDING_MODELS, LOCAL_MODEL_NAMES } from '../../src/adapters/local/embedding-models.js'
import type { LocalModelName } from '../../src/adapters/local/embedding-models.js'
import { LocalEmbedder } from '../../src/adapters/local/local-embedder.js'
import { defaultModelDir, MODEL_FILE, TOKENIZER_FILE } from '../../src/adapters/local/model-files.js'
import { dot } from '../../src/adapters/vector-math.js'

// The models are fetched into their default dirs by `npm run fetch-model -- --model all` (pretest).
const opened = new Map<LocalModelName, Promise<LocalEmbedder>>()
function embedder(name: LocalModelName): Promise<LocalEmbedder> {
  const model = LOCAL_EMBEDDING_MODELS[name]
  if (!opened.has(name)) opened.set(name, LocalEmbedder.open({ model, modelDir: defaultModelDir(model) }))
  return opened.get(name)!
}

afterAll(async () => {
  for (const model of opened.values()) await (await model.catch(() => undefined))?.close()
})

const QUERY = 'Where does Alice work?'
const PASSAGES = ['Alice is employed at a bank downtown', 'Bob plays guitar on weekends', 'The museum opens at nine']

describe.each(LOCAL_MODEL_NAMES)('the local model %s', (name) => {
  it('is tagged with its quantized name and gives 384-dimensional unit vectors', async () => {
    const model = await embedder(name)
    expect(model.model).toBe(LOCAL_EMBEDDING_MODELS[name].tag)
    for (const vector of await model.embed(['a text', ''], 'document')) {
      expect(vector).toHaveLength(384)
      expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 5)
    }
  })

  it('ranks the passage that answers a query first', async () => {
    const model = await embedder(name)
    const [query] = await model.embed([QUERY], 'query')
    const passages = await model.embed(PASSAGES, 'document')
    const similarities = passages.map((passage) => dot(query!, passage))
    expect(similarities.indexOf(Math.max(...similarities))).toBe(0)
  })

  it('embeds a query behind its prefix, and a document behind its own', async () => {
    const spec = LOCAL_EMBEDDING_MODELS[name]
    const model = await embedder(name)
    const [asQuery] = await model.embed([QUERY], 'query')
    const [asDocument] = await model.embed([QUERY], 'document')
    if (spec.queryPrefix === spec.documentPrefix) expect(dot(asQuery!, asDocument!)).toBeGreaterThan(0.99999)
    else expect(dot(asQuery!, asDocument!)).toBeLessThan(0.99)
    // With no document prefix, a document that starts with the query prefix is that query.
    if (spec.documentPrefix !== '') return
    const [prefixedByHand] = await model.embed([spec.queryPrefix + QUERY], 'document')
    expect(dot(asQuery!, prefixedByHand!)).toBeGreaterThan(0.99999)
  })
})

describe('a model dir', () => {
  it('holding another model is refused, naming both and the fetch command', async () => {
    const bge = LOCAL_EMBEDDING_MODELS['bge-small-en-v1.5']
    const dir = mkdtempSync(join(tmpdir(), 'engram-other-model-'))
    try {
      // A dir without a name file is one fetched before the choice existed: all-MiniLM-L6-v2.
      for (const file of [MODEL_FILE, TOKENIZER_FILE]) copyFileSync(join(defaultModelDir(bge), file), join(dir, file))
      const error = await LocalEmbedder.open({ model: bge, modelDir: dir }).catch((caught: unknown) => caught)
      expect(error).toMatchObject({ code: 'EMBEDDER_UNAVAILABLE' })
      expect((error as Error).message).toContain('bge-small-en-v1.5')
      expect((error as Error).message).toContain('holds all-MiniLM-L6-v2')
      expect((error as Error).message).toContain('fetch-model --model bge-small-en-v1.5')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
