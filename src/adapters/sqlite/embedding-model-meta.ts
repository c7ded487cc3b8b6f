import type { EmbeddingModelState } from '../../ports.js'
import type { SqliteConnection } from './sqlite-connection.js'

/** The two stores that keep vectors, each with its key/value meta table (vector_meta, graph_meta). */
type VectorHoldingStore = 'vector' | 'graph'

/** The meta keys of the tag (migrations vector/003 and graph/005). */
const MODEL_KEY = 'embedding_model'
const REEMBED_KEY = 'reembed_to'

/** The embedding model tag of the store whose statements are under `sql/<store>/`. */
export function readEmbeddingModel(db: SqliteConnection, store: VectorHoldingStore): Promise<EmbeddingModelState> {
  return db.run(() => {
    const row = db.statement(`${store}/select-embedding-model`).get() as { model: string | null; reembed_to: string | null; dimension: number | null }
    return { model: row.model, reembedTo: row.reembed_to, dimension: row.dimension }
  })
}

/** Records the tag and the model a reembed moves to (a null removes the entry), in one transaction. */
export async function tagEmbeddingModel(db: SqliteConnection, store: VectorHoldingStore, state: Pick<EmbeddingModelState, 'model' | 'reembedTo'>): Promise<void> {
  await db.run(() => {
    for (const [key, value] of [[MODEL_KEY, state.model], [REEMBED_KEY, state.reembedTo]] as const) {
      if (value === null) db.statement(`${store}/forget-meta-value`).run({ key })
      else db.statement(`${store}/set-meta-value`).run({ key, value })
    }
  }, 'write')
}
