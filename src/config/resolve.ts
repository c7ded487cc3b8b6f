import { homedir } from 'node:os'
import type { z } from 'zod'
import { join } from 'node:path'
import { describeZodError, EngramError } from '../errors.js'
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../input.js'
import type { EnvSettings } from './env.js'
import { ENV_VARS } from './env.js'
import { DEFAULT_LOCAL_MODEL, LOCAL_EMBEDDING_MODELS, LOCAL_MODEL_NAMES, type LocalModelName, localModelByTag } from '../adapters/local/embedding-models.js'
import { defaultModelDir } from '../adapters/local/model-files.js'
import type { EmbedderConfig, GraphStoreConfig, LLMConfig, VectorStoreConfig } from './schema.js'
import { configSchema } from './schema.js'

/** Default limits; see `limits` in the config schema for what each bounds. */
export const DEFAULT_LIMITS = {
  maxInputBytes: 1_000_000,
  // About a page and a half of conversation: small enough for any chat model's context together
  // with the instructions, large enough that ordinary adds are one chunk (one LLM call).
  chunkTokens: 2000,
  ...DEFAULT_INPUT_LIMITS,
} as const

/** Weaviate's default gRPC port, used when only `WEAVIATE_URL` is given. */
export const DEFAULT_WEAVIATE_GRPC_PORT = 50051

/** Default graph settings (docs/contract.md); `entityThreshold` follows the embedder, see {@link defaultEntityThreshold}. */
export const DEFAULT_GRAPH = { hops: 2, updateOn: 'conflict' } as const

/**
 * `graph.entityThreshold` for an embedder that is none of the local models: all-MiniLM-L6-v2's,
 * as no other embedder's similarity scale has been measured on the labelled name pairs.
 */
export const DEFAULT_ENTITY_THRESHOLD = 0.85

/**
 * The `graph.entityThreshold` used when none is configured, by the embedder's model tag
 * (`Embedder.model`): a local model's own, chosen on its similarity scale (embedding-models.ts),
 * else {@link DEFAULT_ENTITY_THRESHOLD}. By the embedder actually in use, so an embedder passed
 * to `Memory.create` gets its own default rather than the configured one's.
 */
export function defaultEntityThreshold(embedderModel: string): number {
  return localModelByTag(embedderModel)?.entityThreshold ?? DEFAULT_ENTITY_THRESHOLD
}

/**
 * The `ranking.crowdingWeight` used when none is configured: the local model's own (chosen on the
 * retrieval dev set, see LocalEmbeddingModel.crowdingWeight), 0 for any other embedder, whose
 * similarity scale has not been measured here.
 */
export function defaultCrowdingWeight(embedderModel: string): number {
  return localModelByTag(embedderModel)?.crowdingWeight ?? 0
}

/** Default conversation context (README "Conversation context"). */
export const DEFAULT_CONTEXT = { enabled: true, messages: 10, summaryEvery: 10 } as const

/**
 * Default ranking (docs/ranking.md). `keywordWeight` 0.2, with relevance taking the squared keyword
 * match and the similarity less crowding (src/search/fuse.ts, {@link defaultCrowdingWeight}): on
 * the retrieval dev set (BENCHMARKS.md "Recall", `engram eval`) it beats cosine similarity alone
 * with the default embedder on recall@10 and MRR, overall and in every category. No recency: every
 * recency weight tried there ranked late sessions over the early ones a question asks about and
 * lost answers cosine alone finds. Reinforcement is small, on the 48 labelled queries of
 * test/fixtures/ranking-set.json (`npx tsx test/fixtures/choose-ranking.ts`; held by
 * test/unit/ranking-defaults.test.ts). MRR / hit@1 (superseded, old-answer MRR) by halfLifeDays,
 * recencyWeight, reinforcementWeight, bge-small-en-v1.5:
 *
 *   relevance alone (weights 0)   0.783 / 0.604  (0.526, 0.933)
 *   any, 0, 0.05 (chosen)         0.786 / 0.604  (0.516, 0.933)
 *   any, 0, 0.2                   0.797 / 0.625  (0.453, 0.933)
 *   90, 0.1, 0.1 (grid's best)    0.828 / 0.688  (0.698, 0.883)
 *
 * `halfLifeDays` applies once an application raises `recencyWeight` (to prefer fresher statements).
 * Relevance carries magnitude, so time only reorders close candidates: with these weights a memory
 * needs 0.95 of another's relevance to overtake it.
 */
export const DEFAULT_RANKING = { halfLifeDays: 180, recencyWeight: 0, reinforcementWeight: 0.05, keywordWeight: 0.2 } as const

/** Configuration after validation, defaults and environment fallbacks; frozen. */
export interface ResolvedConfig {
  /** `null` when no LLM is configured: `infer:false`, search and reads still work. */
  readonly llm: LLMConfig | null
  readonly embedder: EmbedderConfig
  readonly vectorStore: { provider: 'sqlite'; path: string } | { provider: 'weaviate'; url: string; grpcPort: number; apiKey?: string; collection?: string }
  readonly graphStore:
    | { provider: 'sqlite'; path: string }
    | { provider: 'neo4j'; url: string; username: string; password: string; database?: string; readTimeoutMs?: number; cypherTimeoutMs?: number }
    | { provider: 'none' }
  readonly history: { disabled: boolean; path: string }
  readonly journal: { path: string }
  readonly dataDir: string
  /** `entityThreshold` only when configured: its default depends on the embedder ({@link defaultEntityThreshold}). */
  readonly graph: { entityThreshold?: number; hops: number; extraction: 'combined' | 'separate'; updateOn: 'conflict' | 'touch' }
  /** Instruction overrides, as the schema lists them. */
  readonly prompts: NonNullable<z.output<typeof configSchema>['prompts']>
  readonly limits: InputLimits & { maxInputBytes: number; chunkTokens: number }
  readonly context: { enabled: boolean; messages: number; summaryEvery: number; path: string }
  /** `crowdingWeight` only when configured: its default depends on the embedder ({@link defaultCrowdingWeight}). */
  readonly ranking: { halfLifeDays: number; recencyWeight: number; reinforcementWeight: number; keywordWeight: number; crowdingWeight?: number }
  readonly retention: { maxAgeDays?: number; maxCount?: number }
  readonly audit: { enabled: boolean; path: string }
}

/**
 * Validates a user's config (unknown keys are errors) and fills every default, so that
 * `Memory.create()` with nothing configured runs on one machine with no services.
 *
 * @throws EngramError INVALID_CONFIG
 */
export function resolveConfig(input: unknown, env: EnvSettings): ResolvedConfig {
  const parsed = configSchema.safeParse(input ?? {})
  if (!parsed.success) {
    throw new EngramError('INVALID_CONFIG', `invalid Engram config: ${describeZodError(parsed.error, 'config')}`, { cause: parsed.error })
  }
  const config = parsed.data
  const dataDir = config.dataDir ?? env.dataDir ?? join(homedir(), '.engram')
  return deepFreeze({
    llm: resolveLLM(config.llm, env),
    embedder: resolveEmbedder(config.embedder, env),
    vectorStore: resolveVectorStore(config.vectorStore, env, dataDir),
    graphStore: resolveGraphStore(config.graphStore, env, dataDir),
    history: { disabled: config.history?.disabled ?? false, path: config.history?.path ?? join(dataDir, 'history.db') },
    journal: { path: config.journal?.path ?? join(dataDir, 'journal.db') },
    dataDir,
    graph: {
      ...DEFAULT_GRAPH,
      extraction: defaultExtraction(config),
      ...config.graph,
    },
    prompts: { ...config.prompts },
    limits: { ...DEFAULT_LIMITS, ...config.limits },
    context: { ...DEFAULT_CONTEXT, ...withoutPath(config.context), path: config.context?.path ?? join(dataDir, 'context.db') },
    ranking: { ...DEFAULT_RANKING, ...config.ranking },
    retention: { ...config.retention },
    audit: { enabled: config.audit?.enabled ?? false, path: config.audit?.path ?? join(dataDir, 'audit.db') },
  })
}

/**
 * `separate` when custom prompts for the separate steps are given (the combined step would silently
 * not use them), or for a local llamacpp model: a small model keeps to two short schemas far more
 * reliably than to one long one, and its calls cost no money. `combined` otherwise.
 */
function defaultExtraction(config: Pick<z.output<typeof configSchema>, 'prompts' | 'llm'>): 'combined' | 'separate' {
  const customPrompts = config.prompts?.facts !== undefined || config.prompts?.extractGraph !== undefined
  return customPrompts || config.llm?.provider === 'llamacpp' ? 'separate' : 'combined'
}

function resolveLLM(llm: LLMConfig | undefined, env: EnvSettings): LLMConfig | null {
  if (llm === undefined) {
    if (env.openaiApiKey === undefined && env.openaiBaseURL === undefined) return null
    return { provider: 'openai', config: withOpenAIEnv({ ...(env.llmModel ? { model: env.llmModel } : {}) }, env) }
  }
  if (llm.provider !== 'openai') return llm
  return { provider: 'openai', config: withOpenAIEnv({ ...llm.config, model: llm.config.model ?? env.llmModel }, env) }
}

/** Weaviate when configured, or when `WEAVIATE_URL` is set and nothing is configured; else SQLite. */
function resolveVectorStore(vectorStore: VectorStoreConfig | undefined, env: EnvSettings, dataDir: string): ResolvedConfig['vectorStore'] {
  const chosen = vectorStore ?? (env.weaviateUrl !== undefined ? { provider: 'weaviate' as const, config: {} } : undefined)
  if (chosen?.provider !== 'weaviate') return { provider: 'sqlite', path: chosen?.config.path ?? join(dataDir, 'memories.db') }
  const url = chosen.config.url ?? env.weaviateUrl
  if (url === undefined) throw new EngramError('INVALID_CONFIG', `the weaviate vector store needs a URL: set vectorStore.config.url or ${ENV_VARS.weaviateUrl}`)
  const grpcPort = chosen.config.grpcPort ?? (env.weaviateGrpcPort !== undefined ? Number(env.weaviateGrpcPort) : DEFAULT_WEAVIATE_GRPC_PORT)
  if (!Number.isInteger(grpcPort) || grpcPort < 1 || grpcPort > 65535) {
    throw new EngramError('INVALID_CONFIG', `${ENV_VARS.weaviateGrpcPort} must be a port number, not "${env.weaviateGrpcPort}"`)
  }
  return { provider: 'weaviate', url, grpcPort, ...pick(chosen.config, 'apiKey', 'collection') }
}

/** Neo4j when configured, or when `NEO4J_URI` is set and nothing is configured; else SQLite, or none. */
function resolveGraphStore(graphStore: GraphStoreConfig | undefined, env: EnvSettings, dataDir: string): ResolvedConfig['graphStore'] {
  const chosen = graphStore ?? (env.neo4jUri !== undefined ? { provider: 'neo4j' as const, config: {} } : undefined)
  if (chosen?.provider === 'none') return { provider: 'none' }
  if (chosen?.provider !== 'neo4j') return { provider: 'sqlite', path: chosen?.config.path ?? join(dataDir, 'graph.db') }
  const url = chosen.config.url ?? env.neo4jUri
  if (url === undefined) throw new EngramError('INVALID_CONFIG', `the neo4j graph store needs a URL: set graphStore.config.url or ${ENV_VARS.neo4jUri}`)
  return {
    provider: 'neo4j',
    url,
    username: chosen.config.username ?? env.neo4jUsername ?? 'neo4j',
    password: chosen.config.password ?? env.neo4jPassword ?? '',
    ...pick(chosen.config, 'database', 'readTimeoutMs', 'cypherTimeoutMs'),
  }
}

/** A config section without its `path` (resolved separately, against `dataDir`). */
function withoutPath<T extends { path?: string }>(section: T | undefined): Omit<T, 'path'> | undefined {
  if (section === undefined) return undefined
  const { path: _path, ...rest } = section
  return rest
}

/** The named fields of an object that are set. */
function pick<T extends object, K extends keyof T>(value: T, ...keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((key) => value[key] !== undefined).map((key) => [key, value[key]])) as Partial<Pick<T, K>>
}

function resolveEmbedder(embedder: EmbedderConfig | undefined, env: EnvSettings): EmbedderConfig {
  if (embedder === undefined && env.embedder !== undefined && env.embedder !== 'local' && env.embedder !== 'openai') {
    throw new EngramError('INVALID_CONFIG', `${ENV_VARS.embedder} must be "local" or "openai", not "${env.embedder}"`)
  }
  const chosen: EmbedderConfig = embedder ?? (env.embedder === 'openai' ? { provider: 'openai', config: {} } : { provider: 'local', config: {} })
  switch (chosen.provider) {
    case 'local': {
      const model = chosen.config.model ?? localModelFromEnv(env)
      return { provider: 'local', config: { model, modelDir: chosen.config.modelDir ?? env.modelDir ?? defaultModelDir(LOCAL_EMBEDDING_MODELS[model]) } }
    }
    case 'openai':
      return { provider: 'openai', config: withOpenAIEnv(chosen.config, env) }
    case 'langchain':
      return chosen
  }
}

function localModelFromEnv(env: EnvSettings): LocalModelName {
  const name = env.embedderModel ?? DEFAULT_LOCAL_MODEL
  if (!(LOCAL_MODEL_NAMES as readonly string[]).includes(name)) {
    throw new EngramError('INVALID_CONFIG', `${ENV_VARS.embedderModel} must be one of ${LOCAL_MODEL_NAMES.join(', ')}, not "${name}"`)
  }
  return name as LocalModelName
}

/**
 * Fills key and endpoint from the environment. A local OpenAI-compatible server (Ollama, vLLM…)
 * needs no key, but the client insists on one, so a placeholder is used when only a URL is known.
 */
function withOpenAIEnv<T extends { model?: string; apiKey?: string; baseURL?: string }>(config: T, env: EnvSettings): T {
  const baseURL = config.baseURL ?? env.openaiBaseURL
  const apiKey = config.apiKey ?? env.openaiApiKey ?? (baseURL !== undefined ? 'not-needed' : undefined)
  if (apiKey === undefined) {
    throw new EngramError(
      'INVALID_CONFIG',
      `the openai provider needs an API key: set ${ENV_VARS.openaiApiKey} (or config apiKey), or ${ENV_VARS.openaiBaseURL} for a local OpenAI-compatible server`,
    )
  }
  return { ...config, apiKey, ...(baseURL !== undefined ? { baseURL } : {}) }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    // LangChain model instances are the caller's objects: freezing them would break them.
    if (Object.getPrototypeOf(value) !== Object.prototype) return value
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
