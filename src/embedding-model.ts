import { LOCAL_EMBEDDING_MODELS } from './adapters/local/embedding-models.js'
import { EngramError } from './errors.js'
import type { EmbeddingModelState, EmbeddingModelTag } from './ports.js'

/**
 * Stores from before model tags hold no tag. One with 384-dimensional vectors was built by the
 * only 384-dimensional model Engram offered then, its default; one of another dimension came from
 * a model that never shared a dimension with a local one, and is tagged by the first model that
 * opens it (the dimension checks still refuse any other).
 */
const UNTAGGED_MODEL = { dimension: 384, model: LOCAL_EMBEDDING_MODELS['all-MiniLM-L6-v2'].tag } as const

/** A store that keeps vectors, named for error messages. */
export interface TaggedStore {
  readonly label: string
  readonly store: EmbeddingModelTag
}

/** The stores of a Memory that keep vectors: the vector store, and the graph store when there is one. */
export function taggedStores(vectorStore: EmbeddingModelTag, graph: EmbeddingModelTag | null): TaggedStore[] {
  return [{ label: 'vector store', store: vectorStore }, ...(graph === null ? [] : [{ label: 'graph store', store: graph }])]
}

/** The model a store's vectors come from: its tag, else what an untagged store's vectors imply (null: none yet). */
export function storedModel(state: EmbeddingModelState): string | null {
  return state.model ?? (state.dimension === UNTAGGED_MODEL.dimension ? UNTAGGED_MODEL.model : null)
}

/**
 * Lets a Memory use these stores with `model` only if their vectors come from it. A store that
 * holds no vectors yet is tagged with `model`, whatever its tag said (there is nothing to mix);
 * an untagged one that holds vectors from before tags is tagged first (see {@link storedModel}).
 *
 * @throws EngramError INVALID_CONFIG naming both models and `engram reembed` when a store holds
 *   another model's vectors, or a reembed left it between two models.
 */
export async function requireEmbeddingModel(model: string, stores: readonly TaggedStore[]): Promise<void> {
  for (const { label, store } of stores) {
    const state = await store.embeddingModel()
    if (state.reembedTo !== null) throw unfinishedReembed(label, state)
    const stored = state.dimension === null ? model : (storedModel(state) ?? model)
    if (state.model !== stored) await store.tagEmbeddingModel({ model: stored, reembedTo: null })
    if (stored !== model) {
      throw new EngramError(
        'INVALID_CONFIG',
        `the ${label} holds embeddings of ${stored}, but the configured embedding model is ${model}: ` +
          `move the store to ${model} with \`engram reembed\` (reembed() in the library), or configure ${stored} again`,
      )
    }
  }
}

function unfinishedReembed(label: string, state: EmbeddingModelState): EngramError {
  return new EngramError(
    'INVALID_CONFIG',
    `the ${label} is between two embedding models: a reembed from ${state.model ?? 'an untagged model'} to ${state.reembedTo} did not finish; ` +
      `run \`engram reembed\` again with ${state.reembedTo} configured to finish it${state.model === null ? '' : `, or with ${state.model} configured to move it back`}`,
  )
}
