import { join } from 'node:path'
import { Neo4jGraphStore } from '../../src/adapters/neo4j/neo4j-graph-store.js'
import { SqliteGraphStore } from '../../src/adapters/sqlite/sqlite-graph-store.js'
import { SqliteVectorStore } from '../../src/adapters/sqlite/sqlite-vector-store.js'
import { WeaviateVectorStore } from '../../src/adapters/weaviate/weaviate-vector-store.js'
import type { GraphStore, VectorStore } from '../../src/ports.js'

/**
 * Where the stores of a test live, told to a child process so that it opens the same ones: a data
 * dir, and on the servers (those the environment names) a collection too.
 */
export interface StoreLocation {
  dataDir: string
  backend: 'sqlite' | 'neo4j+weaviate'
  collection?: string
}

/** The vector and graph stores at `location`, opened as a separate process would open them. */
export async function openStoresAt(location: StoreLocation): Promise<{ vectorStore: VectorStore; graphStore: GraphStore }> {
  if (location.backend === 'sqlite') {
    return {
      vectorStore: await SqliteVectorStore.open({ path: join(location.dataDir, 'memories.db') }),
      graphStore: await SqliteGraphStore.open({ path: join(location.dataDir, 'graph.db') }),
    }
  }
  return {
    vectorStore: await WeaviateVectorStore.open({
      url: process.env.WEAVIATE_URL!,
      grpcPort: Number(process.env.WEAVIATE_GRPC_PORT),
      collection: location.collection,
    }),
    graphStore: await Neo4jGraphStore.open({
      url: process.env.NEO4J_URI!,
      username: process.env.NEO4J_USERNAME ?? 'neo4j',
      password: process.env.NEO4J_PASSWORD ?? 'neo4j',
    }),
  }
}
