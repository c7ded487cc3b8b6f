import { join } from 'node:path'
import { LOCAL_EMBEDDING_MODELS } from '../../src/adapters/local/embedding-models.js'
import { defaultModelDir } from '../../src/adapters/local/model-files.js'
import { Neo4jGraphStore } from '../../src/adapters/neo4j/neo4j-graph-store.js'
import { SqliteGraphStore } from '../../src/adapters/sqlite/sqlite-graph-store.js'
import { SqliteVectorStore } from '../../src/adapters/sqlite/sqlite-vector-store.js'
import { WeaviateVectorStore } from '../../src/adapters/weaviate/weaviate-vector-store.js'
import type { EngramConfig } from '../../src/index.js'
import type { GraphStore, VectorStore } from '../../src/ports.js'

/** Where the stores of a reembed test live: a data dir, and for the servers a collection too. */
export interface StoreLocation {
  dataDir: string
  backend: 'sqlite' | 'neo4j+weaviate'
  collection?: string
}

/** The config of a reembed test: a local model from its default dir (not ENGRAM_MODEL_DIR's, which holds one model). */
export function reembedConfig(location: StoreLocation, model: keyof typeof LOCAL_EMBEDDING_MODELS): EngramConfig {
  return {
    dataDir: location.dataDir,
    embedder: { provider: 'local', config: { model, modelDir: defaultModelDir(LOCAL_EMBEDDING_MODELS[model]) } },
    // Named, so that NEO4J_URI / WEAVIATE_URL in the environment cannot redirect the embedded stores.
    ...(location.backend === 'sqlite' ? { vectorStore: { provider: 'sqlite' }, graphStore: { provider: 'sqlite' } } : {}),
  }
}

/** The stores at `location`, opened as a separate process would open them. */
export async function openTestStores(location: StoreLocation): Promise<{ vectorStore: VectorStore; graphStore: GraphStore }> {
  if (location.backend === 'sqlite') {
    return {
      vectorStore: await SqliteVectorStore.open({ path: join(location.dataDir, 'memories.db') }),
      graphStore: await SqliteGraphStore.open({ path: join(location.dataDir, 'graph.db') }),
    }
  }
  return {
    vectorStore: await WeaviateVectorStore.open({ url: process.env.WEAVIATE_URL!, grpcPort: Number(process.env.WEAVIATE_GRPC_PORT), collection: location.collection }),
    graphStore: await Neo4jGraphStore.open({ url: process.env.NEO4J_URI!, username: process.env.NEO4J_USERNAME ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? 'neo4j' }),
  }
}
