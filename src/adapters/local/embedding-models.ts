/**
 * The local embedding models Engram can run, and how each is used. scripts/fetch-model.mjs holds
 * where each one's files come from (the jar and the SHA-256 of every file); it runs before any
 * build, so it cannot import this module, and the names and folder names here must match its own.
 */

/** How a model turns its token vectors into one text vector. */
export type Pooling = 'mean' | 'cls'

/** One local embedding model. */
export interface LocalEmbeddingModel {
  /** The name `embedder.config.model` takes. */
  readonly name: string
  /**
   * What stores record beside every vector (`Embedder.model`). The `-q` says quantized: its
   * vectors differ from the full-precision model's, so the two must not share a store.
   */
  readonly tag: string
  /** The folder under `~/.cache/engram/models/` that `fetch-model` fills. */
  readonly folder: string
  readonly pooling: Pooling
  /** Longer texts are embedded from their beginning (the length the model was trained with). */
  readonly maxTokens: number
  /** Prepended to a search query: the instruction the model was trained with for retrieval. */
  readonly queryPrefix: string
  /** Prepended to a text stored to be found (a memory, an entity name). */
  readonly documentPrefix: string
  /**
   * The default `graph.entityThreshold` with this model: the lowest multiple of 0.05 at which no
   * two different entities of the labelled name pairs (test/fixtures/entity-pairs.json) merge.
   * Each model has its own cosine scale, so one number cannot serve all three.
   */
  readonly entityThreshold: number
  /**
   * The lowest similarity at which a search query links to a graph entity by embedding (a query
   * vector against a name's): of the multiples of 0.05, the one that links the most related pairs
   * of test/fixtures/query-entity-pairs.json while linking no unrelated one; of equals, the highest.
   */
  readonly linkThreshold: number
  /**
   * The default `ranking.crowdingWeight` with this model: of 0, 0.05, …, 0.35, the one with the
   * highest recall@10 on the retrieval dev set (BENCHMARKS.md "Recall") at the default keyword
   * weight; of equals, the lowest. How much crowding helps depends on how tightly a model packs
   * unrelated texts together, so each model has its own.
   */
  readonly crowdingWeight: number
}

/** The names `embedder.config.model` accepts. */
export const LOCAL_MODEL_NAMES = ['all-MiniLM-L6-v2', 'bge-small-en-v1.5', 'e5-small-v2'] as const
export type LocalModelName = (typeof LOCAL_MODEL_NAMES)[number]

/**
 * The model used when `embedder.config.model` is not set. Changing it changes which model new
 * stores are built with; stores built with another one are refused until `engram reembed`.
 */
export const DEFAULT_LOCAL_MODEL: LocalModelName = 'bge-small-en-v1.5'

export const LOCAL_EMBEDDING_MODELS: Readonly<Record<LocalModelName, LocalEmbeddingModel>> = {
  // sentence-transformers ships it with a 256-token limit (it was fine-tuned on at most 128), and
  // so do we, so that our vectors match the reference ones. It takes no prefixes.
  'all-MiniLM-L6-v2': {
    name: 'all-MiniLM-L6-v2',
    tag: 'all-MiniLM-L6-v2-q',
    folder: 'all-minilm-l6-v2-q',
    pooling: 'mean',
    maxTokens: 256,
    queryPrefix: '',
    documentPrefix: '',
    // Different entities reach 0.80 ("Tesla" / "Nikola Tesla"); 9 of 17 same-entity pairs merge.
    entityThreshold: 0.85,
    // Unrelated names score at most 0.35 ("When did I visit Paris?" / "London"); 17 of 22
    // related pairs link, as at 0.40.
    linkThreshold: 0.45,
    // Recall@10 (BENCHMARKS.md "Recall") 71.8 without, 72.7 at 0.05, 72.4 at 0.1, 71.7 at 0.2.
    crowdingWeight: 0.05,
  },
  // Trained with an instruction on the query side only; its sentence embedding is the [CLS] vector.
  'bge-small-en-v1.5': {
    name: 'bge-small-en-v1.5',
    tag: 'bge-small-en-v1.5-q',
    folder: 'bge-small-en-v1.5-q',
    pooling: 'cls',
    maxTokens: 512,
    queryPrefix: 'Represent this sentence for searching relevant passages: ',
    documentPrefix: '',
    // Different entities reach 0.84 ("Tesla" / "Nikola Tesla"); 10 of 17 same-entity pairs merge.
    entityThreshold: 0.85,
    // Its scale is higher: unrelated names score 0.33-0.58 (the top: "When did I visit Paris?" /
    // "London"); 19 of 22 related pairs link, the others at 0.51-0.58.
    linkThreshold: 0.6,
    // Its vectors sit close together, and generic turns crowd every query: recall@10 78.5 without,
    // 80.3 at 0.1, 81.7 at 0.2, 82.0 at 0.25, 81.1 at 0.3.
    crowdingWeight: 0.25,
  },
  // Trained with "query: " and "passage: " on every input; without them its vectors degrade.
  'e5-small-v2': {
    name: 'e5-small-v2',
    tag: 'e5-small-v2-q',
    folder: 'e5-small-v2-q',
    pooling: 'mean',
    maxTokens: 512,
    queryPrefix: 'query: ',
    documentPrefix: 'passage: ',
    // A compressed scale: every labelled pair of different entities scores 0.845-0.942, the highest
    // "Tesla" / "Nikola Tesla"; 11 of 17 same-entity pairs merge.
    entityThreshold: 0.95,
    // Unrelated names score 0.68-0.77; 20 of 22 related pairs link.
    linkThreshold: 0.8,
    // Its compressed scale packs unrelated texts closest of the three: recall@10 75.9 without,
    // 82.2 at 0.1, 83.8 at 0.2, 83.4 at 0.3.
    crowdingWeight: 0.2,
  },
}

/** The local model whose vectors carry this tag (`Embedder.model`), if any. */
export function localModelByTag(tag: string): LocalEmbeddingModel | undefined {
  return Object.values(LOCAL_EMBEDDING_MODELS).find((model) => model.tag === tag)
}
