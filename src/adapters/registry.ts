import type { ResolvedConfig } from '../config/resolve.js'
import type { ContextStore, Embedder, GraphStore, HistoryStore, Journal, LLM, ReadAuditLog, VectorStore } from '../ports.js'

/**
 * Provider name → adapter, each behind a dynamic import so that a provider's client library
 * (openai, LangChain, onnxruntime, a database driver) loads only when it is chosen.
 * The only module outside `adapters/` that knows provider names is `config/`.
 */

export async function createLLM(config: NonNullable<ResolvedConfig['llm']>): Promise<LLM> {
  const { withRetry } = await import('../llm/retry.js')
  switch (config.provider) {
    case 'openai': {
      const { OpenAILLM } = await import('./openai/openai-llm.js')
      return withRetry(new OpenAILLM(config.config), { maxRetries: config.config.maxRetries })
    }
    case 'langchain': {
      const { LangChainLLM } = await import('./langchain/langchain-llm.js')
      return withRetry(new LangChainLLM(config.config), { maxRetries: config.config.maxRetries })
    }
    case 'llamacpp': {
      // In-process: no transport faults to retry.
      const { LlamaCppLLM } = await import('./llamacpp/llamacpp-llm.js')
      return LlamaCppLLM.open(config.config)
    }
  }
}

export async function createEmbedder(config: ResolvedConfig['embedder']): Promise<Embedder> {
  switch (config.provider) {
    case 'local': {
      const [{ LocalEmbedder }, { LOCAL_EMBEDDING_MODELS }] = await Promise.all([import('./local/local-embedder.js'), import('./local/embedding-models.js')])
      return LocalEmbedder.open({ model: LOCAL_EMBEDDING_MODELS[config.config.model!], modelDir: config.config.modelDir! })
    }
    case 'openai': {
      const { OpenAIEmbedder } = await import('./openai/openai-embedder.js')
      return new OpenAIEmbedder(config.config)
    }
    case 'langchain': {
      const { LangChainEmbedder } = await import('./langchain/langchain-embedder.js')
      return new LangChainEmbedder(config.config)
    }
  }
}

export async function createVectorStore(config: ResolvedConfig['vectorStore']): Promise<VectorStore> {
  switch (config.provider) {
    case 'sqlite': {
      const { SqliteVectorStore } = await import('./sqlite/sqlite-vector-store.js')
      return SqliteVectorStore.open({ path: config.path })
    }
    case 'weaviate': {
      const { WeaviateVectorStore } = await import('./weaviate/weaviate-vector-store.js')
      const { provider: _provider, ...options } = config
      return WeaviateVectorStore.open(options)
    }
  }
}

export async function createHistoryStore(config: ResolvedConfig['history']): Promise<HistoryStore | null> {
  if (config.disabled) return null
  const { SqliteHistoryStore } = await import('./sqlite/sqlite-history-store.js')
  return SqliteHistoryStore.open({ path: config.path })
}

export async function createJournal(config: ResolvedConfig['journal']): Promise<Journal> {
  const { SqliteJournal } = await import('./sqlite/sqlite-journal.js')
  return SqliteJournal.open({ path: config.path })
}

export async function createGraphStore(config: ResolvedConfig['graphStore']): Promise<GraphStore | null> {
  switch (config.provider) {
    case 'none':
      return null
    case 'sqlite': {
      const { SqliteGraphStore } = await import('./sqlite/sqlite-graph-store.js')
      return SqliteGraphStore.open({ path: config.path })
    }
    case 'neo4j': {
      const { Neo4jGraphStore } = await import('./neo4j/neo4j-graph-store.js')
      const { provider: _provider, ...options } = config
      return Neo4jGraphStore.open(options)
    }
  }
}

/** `null` when context is off: disabled, or neither messages nor a summary to keep. */
export async function createContextStore(config: ResolvedConfig['context']): Promise<ContextStore | null> {
  if (!config.enabled || (config.messages === 0 && config.summaryEvery === 0)) return null
  const { SqliteContextStore } = await import('./sqlite/sqlite-context-store.js')
  return SqliteContextStore.open({ path: config.path })
}

/** `null` unless the read audit is enabled (it is opt-in). */
export async function createReadAuditLog(config: ResolvedConfig['audit']): Promise<ReadAuditLog | null> {
  if (!config.enabled) return null
  const { SqliteReadAudit } = await import('./sqlite/sqlite-read-audit.js')
  return SqliteReadAudit.open({ path: config.path })
}
