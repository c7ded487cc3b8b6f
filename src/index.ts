/**
 * Engram: graph-enhanced long-term memory for LLM applications.
 *
 * @module
 */
export { Memory } from './memory.js'
export { reembed } from './reembed.js'
export type { ReembedAdapters, ReembedOptions, ReembedProgress, ReembedReport } from './reembed.js'
export type { GraphInspector, MemoryAdapters } from './memory.js'
export type { RecoveryReport } from './journal/recover.js'
export type { PruneReport } from './operations/prune.js'
export type { GraphExportFormat } from './operations/inspect-graph.js'
export type { ScopeTransfer } from './transfer/scope-transfer.js'
export { parseTransferLine, toJsonLine } from './transfer/transfer-records.js'
export type { ConversationLine, TransferLine, TransferRecord } from './transfer/transfer-records.js'
export { EngramError, ERROR_CODES } from './errors.js'
export type { ErrorCode } from './errors.js'
export type { EngramConfig } from './config/schema.js'
export type { AddOptions, AuditOptions, ContentPart, GetAllOptions, Message, Messages, Metadata, MetadataValue, ReadOptions, Scope, SearchOptions } from './input.js'
export type {
  AddResult,
  GetAllResult,
  HistoryEntry,
  MemoryEvent,
  MemoryItem,
  Relation,
  ScoredMemory,
  ScoredRelation,
  SearchResult,
  StageError,
} from './types.js'
export type {
  ChatContentPart,
  ContextMessage,
  ContextStore,
  ConversationContext,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  Embedder,
  GraphStore,
  HistoryRecord,
  HistoryStore,
  Journal,
  JournalEntry,
  JournalState,
  LLM,
  MemoryType,
  ReadAuditLog,
  ReadRecord,
  MemoryWrite,
  StoredMemory,
  TokenUsage,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  Vector,
  VectorStore,
} from './ports.js'
