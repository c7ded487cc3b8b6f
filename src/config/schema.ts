import { z } from 'zod'
import type { LangChainChatModel, LangChainEmbeddings } from '../adapters/langchain/langchain-types.js'
import { LOCAL_MODEL_NAMES } from '../adapters/local/embedding-models.js'

/**
 * The configuration accepted by `Memory.create` (docs/contract.md). Every object is strict: an unknown key
 * is an INVALID_CONFIG error rather than a silently ignored typo.
 */

const hasMethods =
  (...methods: string[]) =>
  (value: unknown): boolean =>
    typeof value === 'object' && value !== null && methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')

const retrySettings = {
  /** Attempts after the first on 429/5xx/timeouts. Default 3. */
  maxRetries: z.number().int().min(0).max(10).optional(),
  /** Per-request timeout in milliseconds. Default 60000. */
  timeoutMs: z.number().int().positive().optional(),
}

const visionSetting = {
  /** The model accepts images (`image_url` content parts): images in messages are described by it. Default false. */
  vision: z.boolean().optional(),
}

/** What both OpenAI adapters need to reach a server; keys and URLs fall back to the environment. */
const openaiConnection = {
  model: z.string().min(1).optional(),
  apiKey: z.string().min(1).optional(),
  baseURL: z.string().url().optional(),
  ...retrySettings,
}

const openaiLLM = z
  .object({
    provider: z.literal('openai'),
    config: z
      .object({
        ...openaiConnection,
        temperature: z.number().min(0).max(2).optional(),
        ...visionSetting,
      })
      .strict()
      .default({}),
  })
  .strict()

const langchainLLM = z
  .object({
    provider: z.literal('langchain'),
    config: z
      .object({
        model: z.custom<LangChainChatModel>(hasMethods('invoke', 'bindTools'), {
          message: 'must be a LangChain chat model with bindTools() (a BaseChatModel)',
        }),
        ...retrySettings,
        ...visionSetting,
      })
      .strict(),
  })
  .strict()

const llamacppLLM = z
  .object({
    provider: z.literal('llamacpp'),
    config: z
      .object({
        /** Path of a GGUF chat model; `npx engram fetch-model --llm` fetches a small one. */
        modelPath: z.string().min(1),
        /** Context window in tokens (prompt and reply). Default 4096, at most the model's training context. */
        contextSize: z.number().int().min(512).optional(),
        /** CPU threads. Default: half the cores, at least one. */
        threads: z.number().int().min(1).optional(),
        /** Most tokens one reply may have. Default 1024. */
        maxTokens: z.number().int().min(16).optional(),
      })
      .strict(),
  })
  .strict()

export const llmConfigSchema = z.discriminatedUnion('provider', [openaiLLM, langchainLLM, llamacppLLM])

const localEmbedder = z
  .object({
    provider: z.literal('local'),
    config: z
      .object({
        /** Which model (docs/embedders.md). Default: bge-small-en-v1.5, or `ENGRAM_EMBEDDER_MODEL`. */
        model: z.enum(LOCAL_MODEL_NAMES).optional(),
        /** Folder holding the ONNX model and tokenizer.json. Default `~/.cache/engram/models/<model>-q` (lower-case). */
        modelDir: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
  })
  .strict()

const openaiEmbedder = z
  .object({
    provider: z.literal('openai'),
    config: z
      .object({
        ...openaiConnection,
        dimensions: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
  })
  .strict()

const langchainEmbedder = z
  .object({
    provider: z.literal('langchain'),
    config: z
      .object({
        embeddings: z.custom<LangChainEmbeddings>(hasMethods('embedDocuments', 'embedQuery'), {
          message: 'must be a LangChain Embeddings instance (embedDocuments/embedQuery)',
        }),
      })
      .strict(),
  })
  .strict()

export const embedderConfigSchema = z.discriminatedUnion('provider', [localEmbedder, openaiEmbedder, langchainEmbedder])

/** An embedded store: a SQLite file, by default under `dataDir`. */
const sqliteStore = () =>
  z
    .object({
      provider: z.literal('sqlite'),
      config: z
        .object({ path: z.string().min(1).optional() })
        .strict()
        .default({}),
    })
    .strict()

const sqliteVectorStore = sqliteStore()

const weaviateVectorStore = z
  .object({
    provider: z.literal('weaviate'),
    config: z
      .object({
        /** HTTP endpoint, e.g. `http://127.0.0.1:8080`. Default: `WEAVIATE_URL`. */
        url: z.string().url().optional(),
        /** gRPC port on the same host. Default: `WEAVIATE_GRPC_PORT`, else 50051. */
        grpcPort: z.number().int().min(1).max(65535).optional(),
        apiKey: z.string().min(1).optional(),
        /** Collection name. Default `EngramMemory`. */
        collection: z
          .string()
          .regex(/^[A-Z][A-Za-z0-9_]*$/, 'a Weaviate collection name: a capital letter, then letters, digits or _')
          .optional(),
      })
      .strict()
      .default({}),
  })
  .strict()

export const vectorStoreConfigSchema = z.discriminatedUnion('provider', [sqliteVectorStore, weaviateVectorStore])

const sqliteGraphStore = sqliteStore()

const neo4jGraphStore = z
  .object({
    provider: z.literal('neo4j'),
    config: z
      .object({
        /** Bolt URL, e.g. `bolt://127.0.0.1:7687`. Default: `NEO4J_URI`. */
        url: z
          .string()
          .regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\//, 'a bolt:// or neo4j:// URL')
          .optional(),
        username: z.string().optional(),
        password: z.string().optional(),
        database: z.string().min(1).optional(),
        /** Time limit of each read transaction Engram runs, in milliseconds. Default 30000. */
        readTimeoutMs: z.number().int().positive().optional(),
        /** Time limit of one `memory.graph.cypher()` query (its parse, then its transaction), in milliseconds. Default 5000. */
        cypherTimeoutMs: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
  })
  .strict()

const noGraphStore = z.object({ provider: z.literal('none') }).strict()

export const graphStoreConfigSchema = z.discriminatedUnion('provider', [sqliteGraphStore, neo4jGraphStore, noGraphStore])

export const configSchema = z
  .object({
    llm: llmConfigSchema.optional(),
    embedder: embedderConfigSchema.optional(),
    vectorStore: vectorStoreConfigSchema.optional(),
    graphStore: graphStoreConfigSchema.optional(),
    history: z
      .object({
        path: z.string().min(1).optional(),
        disabled: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** The operation journal that makes adds recoverable after a crash (SQLite; default `<dataDir>/journal.db`). */
    journal: z
      .object({
        path: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    dataDir: z.string().min(1).optional(),
    graph: z
      .object({
        /**
         * Lowest name similarity (cosine) at which an extracted entity merges into an existing one of
         * its scope. Default: chosen for each local embedding model on its own scale, 0.85 for other
         * embedders (docs/configuration.md).
         */
        entityThreshold: z.number().min(0).max(1).optional(),
        hops: z.number().int().min(0).max(4).optional(),
        /**
         * `"combined"`: one `extract_memories` call extracts facts and graph (one LLM call fewer per
         * add). `"separate"`: `extract_facts` and `extract_graph`, side by side. Default `"combined"`,
         * or `"separate"` when `prompts.facts` or `prompts.extractGraph` is given.
         */
        extraction: z.enum(['combined', 'separate']).optional(),
        /**
         * When the graph-update LLM step runs. `"conflict"` (default): only when an extracted relation
         * may contradict a stored one (same source and relationship, other destination; or same ends,
         * other relationship). `"touch"`: whenever an extracted relation touches an entity that has
         * relations.
         */
        updateOn: z.enum(['conflict', 'touch']).optional(),
      })
      .strict()
      .optional(),
    prompts: z
      .object({
        facts: z.string().min(1).optional(),
        updateMemory: z.string().min(1).optional(),
        extractGraph: z.string().min(1).optional(),
        extractMemories: z.string().min(1).optional(),
        updateGraph: z.string().min(1).optional(),
        summarizeConversation: z.string().min(1).optional(),
        summarizeProcedure: z.string().min(1).optional(),
        describeImage: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Conversation context for extraction (README "Conversation context"). */
    context: z
      .object({
        /** Keep and use context. Default true. */
        enabled: z.boolean().optional(),
        /** Messages kept per scope (per exact userId/agentId/runId). Default 10. */
        messages: z.number().int().min(0).max(200).optional(),
        /** Adds between refreshes of the rolling summary (one LLM call, after the add returns). Default 10; 0: no summary. */
        summaryEvery: z.number().int().min(0).optional(),
        /** SQLite file. Default `<dataDir>/context.db`. */
        path: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** How search ranks facts (README "Ranking"). */
    ranking: z
      .object({
        /** Age, in days since `observedAt`, at which the recency part halves. */
        halfLifeDays: z.number().positive().optional(),
        /** Weight of recency against relevance, 0..1. */
        recencyWeight: z.number().min(0).max(1).optional(),
        /** Weight of reinforcement (mentions) against relevance, 0..1. */
        reinforcementWeight: z.number().min(0).max(1).optional(),
        /** Share of relevance given by the keyword (BM25) score, 0..1; vector similarity gives the rest. */
        keywordWeight: z.number().min(0).max(1).optional(),
        /**
         * Share of a fact's crowding (its mean similarity to its closest memories among those nearest
         * the query, docs/ranking.md) taken off its similarity, 0..1; 0 turns it off. Default: the
         * local model's own (bge-small-en-v1.5 0.25, e5-small-v2 0.2, all-MiniLM-L6-v2 0.05), 0 with
         * any other embedder.
         */
        crowdingWeight: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional(),
    /** Retention applied to each scope (README "Expiry and retention"). */
    retention: z
      .object({
        /** Memories not updated for this many days are expired. */
        maxAgeDays: z.number().positive().optional(),
        /** A scope keeps at most this many memories: an add that goes over deletes the least recently updated. */
        maxCount: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    /** The opt-in log of reads (README "Read audit"). */
    audit: z
      .object({
        /** Log searches and reads. Default false. */
        enabled: z.boolean().optional(),
        /** SQLite file. Default `<dataDir>/audit.db`. */
        path: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    limits: z
      .object({
        /** Hard cap on one `add`'s total message text, in UTF-8 bytes. Default 1 MB. */
        maxInputBytes: z.number().int().positive().optional(),
        /** Extraction budget: a longer conversation is split into consecutive chunks of about this many tokens. Default 2000. */
        chunkTokens: z.number().int().min(64).optional(),
        /** Keys in one metadata or filters object. Default 64. */
        maxMetadataKeys: z.number().int().positive().optional(),
        /** Characters in one metadata key. Default 128. */
        maxMetadataKeyLength: z.number().int().positive().optional(),
        /** UTF-8 bytes of one metadata string value. Default 4096. */
        maxMetadataValueBytes: z.number().int().positive().optional(),
        /** UTF-8 bytes of one metadata object as JSON. Default 16384. */
        maxMetadataBytes: z.number().int().positive().optional(),
        /** UTF-8 bytes of a search query. Default 16384. */
        maxQueryBytes: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()

/** The configuration object accepted by `Memory.create`. */
export type EngramConfig = z.input<typeof configSchema>
export type LLMConfig = z.output<typeof llmConfigSchema>
export type EmbedderConfig = z.output<typeof embedderConfigSchema>
export type VectorStoreConfig = z.output<typeof vectorStoreConfigSchema>
export type GraphStoreConfig = z.output<typeof graphStoreConfigSchema>
