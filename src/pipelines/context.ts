import type { ResolvedConfig } from '../config/resolve.js'
import type { Embedder, GraphStore, HistoryStore, Journal, LLM, VectorStore } from '../ports.js'

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
  readonly config: ResolvedConfig
  /** The clock, injectable so tests can pin timestamps. */
  readonly now: () => Date
}
