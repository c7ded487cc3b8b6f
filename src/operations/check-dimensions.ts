import type { ResolvedConfig } from '../config/resolve.js'
import { EngramError } from '../errors.js'
import type { Embedder, GraphStore, VectorStore } from '../ports.js'

/** A store that can say which dimension its embeddings have, and how a message names it. */
interface DimensionedStore {
  store: Pick<VectorStore | GraphStore, 'embeddingDimension'> | null
  name: string
}

/**
 * Refuses to open stores whose embeddings another embedding model made: their vectors cannot be
 * compared with the embedder's, so every add would fail in that store while the others take it.
 * The embedder is asked for one vector only when a store holds embeddings. An embedder that
 * cannot be reached now is not a mismatch: the stores' own checks still refuse a wrong vector
 * when it is written.
 *
 * @throws EngramError INVALID_CONFIG naming the store, both dimensions and the ways out
 */
export async function checkEmbeddingDimensions(embedder: Embedder, stores: DimensionedStore[]): Promise<void> {
  let made: number | undefined
  for (const { store, name } of stores) {
    const stored = await store?.embeddingDimension?.()
    if (stored === undefined) continue
    made ??= await probe(embedder)
    if (made === undefined) return
    if (stored !== made) {
      throw new EngramError(
        'INVALID_CONFIG',
        `${name} holds ${stored}-dimensional embeddings, but the embedder (${embedder.model}) makes ${made}-dimensional ones: ` +
          'the store was built with another embedding model. Configure that model again, or start over with this one: use an empty store ' +
          '(another dataDir, Neo4j database or Weaviate collection), or empty this one with reset() on a Memory opened with the old model',
      )
    }
  }
}

async function probe(embedder: Embedder): Promise<number | undefined> {
  try {
    const [vector] = await embedder.embed(['dimension check'], 'document')
    return vector?.length
  } catch (error) {
    if (error instanceof EngramError && error.code === 'EMBEDDER_UNAVAILABLE') return undefined
    throw error
  }
}

/** How messages name the configured stores. */
export function storeNames(config: Pick<ResolvedConfig, 'vectorStore' | 'graphStore'>): { vectorStore: string; graphStore: string } {
  const { vectorStore, graphStore } = config
  return {
    vectorStore:
      vectorStore.provider === 'sqlite'
        ? `the vector store at ${vectorStore.path}`
        : `the Weaviate collection ${vectorStore.collection ?? '(default)'} at ${vectorStore.url}`,
    graphStore:
      graphStore.provider === 'sqlite'
        ? `the graph store at ${graphStore.path}`
        : graphStore.provider === 'neo4j'
          ? `the Neo4j graph at ${graphStore.url}${graphStore.database === undefined ? '' : ` (database ${graphStore.database})`}`
          : 'the graph store',
  }
}
