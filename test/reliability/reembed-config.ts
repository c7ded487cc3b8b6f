import { LOCAL_EMBEDDING_MODELS } from '../../src/adapters/local/embedding-models.js'
import { defaultModelDir } from '../../src/adapters/local/model-files.js'
import type { EngramConfig } from '../../src/index.js'
import type { StoreLocation } from '../helpers/store-location.js'

/** The config of a reembed test: a local model from its default dir (not ENGRAM_MODEL_DIR's, which holds one model). */
export function reembedConfig(location: StoreLocation, model: keyof typeof LOCAL_EMBEDDING_MODELS): EngramConfig {
  return {
    dataDir: location.dataDir,
    embedder: { provider: 'local', config: { model, modelDir: defaultModelDir(LOCAL_EMBEDDING_MODELS[model]) } },
    // Named, so that NEO4J_URI / WEAVIATE_URL in the environment cannot redirect the embedded stores.
    ...(location.backend === 'sqlite' ? { vectorStore: { provider: 'sqlite' }, graphStore: { provider: 'sqlite' } } : {}),
  }
}
