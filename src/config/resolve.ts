import { homedir } from 'node:os'
import { join } from 'node:path'
import { describeZodError, EngramError } from '../errors.js'
import type { EnvSettings } from './env.js'
import { ENV_VARS } from './env.js'
import { defaultModelDir } from '../adapters/local/model-files.js'
import type { EmbedderConfig, GraphStoreConfig, LLMConfig } from './schema.js'
import { configSchema } from './schema.js'

/** Default limits; see `limits` in the config schema for what each bounds. */
export const DEFAULT_LIMITS = {
  maxInputBytes: 1_000_000,
  // About a page and a half of conversation: small enough for any chat model's context together
  // with the instructions, large enough that ordinary adds are one chunk (one LLM call).
  chunkTokens: 2000,
} as const

/** Default graph settings (SPEC §2). */
export const DEFAULT_GRAPH = { entityThreshold: 0.85, hops: 2 } as const

/** Configuration after validation, defaults and environment fallbacks; frozen. */
export interface ResolvedConfig {
  /** `null` when no LLM is configured: `infer:false`, search and reads still work. */
  readonly llm: LLMConfig | null
  readonly embedder: EmbedderConfig
  readonly vectorStore: { provider: 'sqlite'; path: string }
  readonly graphStore: { provider: 'sqlite'; path: string } | { provider: 'none' }
  readonly history: { disabled: boolean; path: string }
  readonly dataDir: string
  readonly graph: { entityThreshold: number; hops: number }
  readonly prompts: { facts?: string; updateMemory?: string; extractGraph?: string; updateGraph?: string }
  readonly limits: { maxInputBytes: number; chunkTokens: number }
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
    vectorStore: { provider: 'sqlite', path: config.vectorStore?.config.path ?? join(dataDir, 'memories.db') },
    graphStore: resolveGraphStore(config.graphStore, dataDir),
    history: { disabled: config.history?.disabled ?? false, path: config.history?.path ?? join(dataDir, 'history.db') },
    dataDir,
    graph: { ...DEFAULT_GRAPH, ...config.graph },
    prompts: { ...config.prompts },
    limits: { ...DEFAULT_LIMITS, ...config.limits },
  })
}

function resolveLLM(llm: LLMConfig | undefined, env: EnvSettings): LLMConfig | null {
  if (llm === undefined) {
    if (env.openaiApiKey === undefined && env.openaiBaseURL === undefined) return null
    return { provider: 'openai', config: withOpenAIEnv({ ...(env.llmModel ? { model: env.llmModel } : {}) }, env) }
  }
  if (llm.provider !== 'openai') return llm
  return { provider: 'openai', config: withOpenAIEnv({ ...llm.config, model: llm.config.model ?? env.llmModel }, env) }
}

function resolveGraphStore(graphStore: GraphStoreConfig | undefined, dataDir: string): ResolvedConfig['graphStore'] {
  if (graphStore?.provider === 'none') return { provider: 'none' }
  return { provider: 'sqlite', path: graphStore?.config.path ?? join(dataDir, 'graph.db') }
}

function resolveEmbedder(embedder: EmbedderConfig | undefined, env: EnvSettings): EmbedderConfig {
  if (embedder === undefined && env.embedder !== undefined && env.embedder !== 'local' && env.embedder !== 'openai') {
    throw new EngramError('INVALID_CONFIG', `${ENV_VARS.embedder} must be "local" or "openai", not "${env.embedder}"`)
  }
  const chosen: EmbedderConfig = embedder ?? (env.embedder === 'openai' ? { provider: 'openai', config: {} } : { provider: 'local', config: {} })
  switch (chosen.provider) {
    case 'local':
      return { provider: 'local', config: { modelDir: chosen.config.modelDir ?? env.modelDir ?? defaultModelDir() } }
    case 'openai':
      return { provider: 'openai', config: withOpenAIEnv(chosen.config, env) }
    case 'langchain':
      return chosen
  }
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
