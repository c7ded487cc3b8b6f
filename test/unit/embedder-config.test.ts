import { homedir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_LOCAL_MODEL, LOCAL_EMBEDDING_MODELS, LOCAL_MODEL_NAMES } from '../../src/adapters/local/embedding-models.js'
import { defaultEntityThreshold, resolveConfig } from '../../src/config/resolve.js'

describe('the local embedder config', () => {
  it('defaults to DEFAULT_LOCAL_MODEL in its own folder', () => {
    expect(resolveConfig({}, {}).embedder).toEqual({
      provider: 'local',
      config: { model: DEFAULT_LOCAL_MODEL, modelDir: join(homedir(), '.cache', 'engram', 'models', LOCAL_EMBEDDING_MODELS[DEFAULT_LOCAL_MODEL].folder) },
    })
  })

  it('takes the model from the config, else from ENGRAM_EMBEDDER_MODEL, each in its own folder unless modelDir is given', () => {
    // The environment names neither the configured model nor the default, so that taking it shows.
    const fromEnv = LOCAL_MODEL_NAMES.find((name) => name !== 'e5-small-v2' && name !== DEFAULT_LOCAL_MODEL)!
    expect(resolveConfig({ embedder: { provider: 'local', config: { model: 'e5-small-v2' } } }, { embedderModel: fromEnv }).embedder).toMatchObject({
      config: { model: 'e5-small-v2', modelDir: join(homedir(), '.cache', 'engram', 'models', 'e5-small-v2-q') },
    })
    expect(resolveConfig({}, { embedderModel: fromEnv, modelDir: '/models/chosen' }).embedder).toMatchObject({
      config: { model: fromEnv, modelDir: '/models/chosen' },
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
