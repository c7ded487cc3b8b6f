/**
 * The only reader of `process.env` in Engram. Called once, inside `Memory.create`, never at import
 * time, so importing the package has no side effects and tests can pass their own environment.
 */
export interface EnvSettings {
  openaiApiKey?: string
  openaiBaseURL?: string
  llmModel?: string
  embedder?: string
  dataDir?: string
  embedderModel?: string
  modelDir?: string
  neo4jUri?: string
  neo4jUsername?: string
  neo4jPassword?: string
  weaviateUrl?: string
  weaviateGrpcPort?: string
}

/** The environment variables Engram falls back to (SPEC §2), in one place for error messages and docs. */
export const ENV_VARS = {
  openaiApiKey: 'OPENAI_API_KEY',
  openaiBaseURL: 'OPENAI_BASE_URL',
  llmModel: 'ENGRAM_LLM_MODEL',
  embedder: 'ENGRAM_EMBEDDER',
  dataDir: 'ENGRAM_DATA_DIR',
  embedderModel: 'ENGRAM_EMBEDDER_MODEL',
  modelDir: 'ENGRAM_MODEL_DIR',
  neo4jUri: 'NEO4J_URI',
  neo4jUsername: 'NEO4J_USERNAME',
  neo4jPassword: 'NEO4J_PASSWORD',
  weaviateUrl: 'WEAVIATE_URL',
  weaviateGrpcPort: 'WEAVIATE_GRPC_PORT',
} as const satisfies Record<keyof EnvSettings, string>

/** Reads the variables of {@link ENV_VARS}; empty strings count as unset. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvSettings {
  const settings: EnvSettings = {}
  for (const [key, variable] of Object.entries(ENV_VARS) as Array<[keyof EnvSettings, string]>) {
    const value = env[variable]?.trim()
    if (value) settings[key] = value
  }
  return settings
}
