import type { ResolvedConfig } from '../config/resolve.js'
import type { ContextStore, Embedder, GraphStore, HistoryStore, Journal, LLM, ReadAuditLog, VectorStore } from '../ports.js'

/** The ports and settings every operation and pipeline step receives, as one bundle. */
export interface PipelineContext {
  /** `null` when no LLM is configured; operations that need one call `requireLLM`. */
  readonly llm: LLM | null
  readonly embedder: Embedder
  readonly vectorStore: VectorStore
  /** `null` when the graph store is `none`. */
  readonly graph: GraphStore | null
  /** `null` when history is disabled in the config. */
  readonly history: HistoryStore | null
  /** Where adds record their intent before writing (journal/commit-add.ts). */
  readonly journal: Journal
  /** Conversation context for extraction; `null` when `config.context` turns it off. */
  readonly context: ContextStore | null
  /** The log of reads (operations/audit.ts); `null` unless `config.audit.enabled`. */
  readonly audit: ReadAuditLog | null
  readonly config: ResolvedConfig
  /** The clock, injectable so tests can pin timestamps. */
  readonly now: () => Date
}
