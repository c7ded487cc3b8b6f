import { homedir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LOCAL_EMBEDDING_MODELS } from '../../src/adapters/local/embedding-models.js'
import { defaultEntityThreshold, resolveConfig } from '../../src/config/resolve.js'

describe('the local embedder config', () => {
  it('defaults to all-MiniLM-L6-v2 in its own folder', () => {
    expect(resolveConfig({}, {}).embedder).toEqual({
      provider: 'local',
      config: { model: 'all-MiniLM-L6-v2', modelDir: join(homedir(), '.cache', 'engram', 'models', 'all-minilm-l6-v2-q') },
    })
  })

  it('takes the model from the config, else from ENGRAM_EMBEDDER_MODEL, each in its own folder unless modelDir is given', () => {
    expect(resolveConfig({ embedder: { provider: 'local', config: { model: 'e5-small-v2' } } }, { embedderModel: 'bge-small-en-v1.5' }).embedder).toMatchObject(
      {
        config: { model: 'e5-small-v2', modelDir: join(homedir(), '.cache', 'engram', 'models', 'e5-small-v2-q') },
      },
    )
    expect(resolveConfig({}, { embedderModel: 'bge-small-en-v1.5', modelDir: '/models/bge' }).embedder).toMatchObject({
      config: { model: 'bge-small-en-v1.5', modelDir: '/models/bge' },
    })
  })

  it('refuses a model it does not offer, in the config or the environment', () => {
    expect(() => resolveConfig({ embedder: { provider: 'local', config: { model: 'bert-huge' } } }, {})).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
    expect(() => resolveConfig({}, { embedderModel: 'bert-huge' })).toThrow(
      /ENGRAM_EMBEDDER_MODEL must be one of all-MiniLM-L6-v2, bge-small-en-v1\.5, e5-small-v2/,
    )
  })
})

describe('the default graph.entityThreshold', () => {
  it("is the local model's own, found by the embedder's model tag", () => {
    for (const model of Object.values(LOCAL_EMBEDDING_MODELS)) expect(defaultEntityThreshold(model.tag)).toBe(model.entityThreshold)
    expect(defaultEntityThreshold('e5-small-v2-q')).toBe(0.95)
  })

  it('is 0.85 for any other embedder, and is left to the embedder unless configured', () => {
    expect(defaultEntityThreshold('text-embedding-3-small')).toBe(0.85)
    expect(resolveConfig({ embedder: { provider: 'local', config: { model: 'e5-small-v2' } } }, {}).graph.entityThreshold).toBeUndefined()
    expect(resolveConfig({ graph: { entityThreshold: 0.9 } }, {}).graph).toMatchObject({ entityThreshold: 0.9, hops: 2 })
  })
})
