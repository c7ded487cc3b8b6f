/**
 * The ports: the small interfaces the pipelines depend on. Each backend or provider is one
 * file under `src/adapters/` that implements one of them. Nothing here imports an adapter.
 */
import type { Metadata, Scope } from './input.js'
import type { HistoryEntry } from './types.js'

/** An embedding. L2-normalised by every embedder, so a dot product is the cosine similarity. */
export type Vector = Float32Array

// ───────────────────────────── LLM ─────────────────────────────

/** A chat message as sent to the model. Engram renders speakers' names into the content itself. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** A function tool offered to the model; `parameters` is a JSON Schema derived from a zod schema. */
export interface ToolDefinition {
  name: string
  description: string
  parameters: Record<string, unknown>
}

/** `tool`: the model must call exactly this tool. `required`: it must call one or more of the offered tools. */
export type ToolChoice = { type: 'tool'; name: string } | { type: 'required' }

/** A tool call as the model produced it; `arguments` is the raw JSON text, validated by the caller. */
export interface ToolCall {
  name: string
  arguments: string
}

export interface TokenUsage {
  promptTokens: number
  completionTokens: number
}

export interface ChatRequest {
  messages: ChatMessage[]
  tools: ToolDefinition[]
  toolChoice: ToolChoice
  signal?: AbortSignal
}

export interface ChatResponse {
  toolCalls: ToolCall[]
  /** Any plain text the model produced beside (or instead of) tool calls. */
  text: string
  usage?: TokenUsage
}

/**
 * A chat model that can call function tools.
 *
 * Adapters do not retry: they throw `EngramError('LLM_UNAVAILABLE', …, { retryable })` on transport
 * faults and `llm/retry.ts` applies one retry policy to every provider.
 */
export interface LLM {
  /** Model name, for logs and benchmarks. */
  readonly model: string
  chat(request: ChatRequest): Promise<ChatResponse>
}

// ─────────────────────────── Embedder ───────────────────────────

/** Turns texts into vectors, many at once. Throws `EngramError('EMBEDDER_UNAVAILABLE', …)` when it cannot. */
export interface Embedder {
  /** Identifies the model, so a store built with one model is not searched with another. */
  readonly model: string
  /** One vector per text, in order, L2-normalised. */
  embed(texts: string[]): Promise<Vector[]>
  close(): Promise<void>
}

// ───────────────────────── Vector store ─────────────────────────

/** A fact as the vector store keeps it. */
export interface StoredMemory {
  id: string
  text: string
  hash: string
  metadata: Metadata
  scope: Scope
  /** ISO-8601. */
  createdAt: string
  /** ISO-8601. */
  updatedAt: string
}

export interface MemoryWrite extends StoredMemory {
  vector: Vector
}

/**
 * Which memories a read may see. A field present in `scope` must match exactly; an absent field
 * does not constrain (so `{userId:"a"}` sees `{userId:"a", agentId:"x"}`). `filters` are metadata
 * equalities. Stores apply both inside the query, never after a global top-k.
 */
export interface ScopeFilter {
  scope: Scope
  filters?: Metadata
}

export interface NearestQuery extends ScopeFilter {
  vector: Vector
  limit: number
}

export interface HybridQuery extends ScopeFilter {
  vector: Vector
  text: string
  limit: number
}

export interface NearestHit {
  memory: StoredMemory
  /** Cosine similarity, -1..1. */
  similarity: number
}

export interface HybridHit {
  memory: StoredMemory
  /** Fused score in 0..1, higher is better. */
  score: number
  /** The score's parts (similarity, keyword score, ranks, fused score). */
  explain: Record<string, number>
}

/** Where facts and their vectors live. */
export interface VectorStore {
  insert(memories: MemoryWrite[]): Promise<void>
  /** Replaces text, hash, vector, metadata and updatedAt of an existing memory. Throws NOT_FOUND if absent. */
  update(memory: MemoryWrite): Promise<void>
  delete(ids: string[]): Promise<void>
  get(id: string): Promise<StoredMemory | null>
  /** Newest first. */
  list(filter: ScopeFilter & { limit: number }): Promise<StoredMemory[]>
  /** Pure vector k-nearest-neighbours, best first. */
  nearest(query: NearestQuery): Promise<NearestHit[]>
  /** Vector and keyword search fused, best first. */
  search(query: HybridQuery): Promise<HybridHit[]>
  /** Deletes every memory the scope can see (same matching as reads); returns their ids. */
  deleteScope(scope: Scope): Promise<string[]>
  reset(): Promise<void>
  close(): Promise<void>
}

// ──────────────────────────── History ────────────────────────────

/** What a history row is about. Graph events (issue: graph memory) use `relation` and `entity`. */
export type HistoryTarget = 'memory' | 'relation' | 'entity'

/** One audit row to append. */
export interface HistoryRecord {
  target: HistoryTarget
  /** Memory id, relation id or entity key. */
  targetId: string
  /** For memories: ADD, UPDATE, DELETE. */
  event: string
  oldValue: string | null
  newValue: string | null
  scope: Scope
  actor?: string
  role?: string
  /** Provenance: the memories that caused this change. */
  memoryIds?: string[]
  /** ISO-8601. */
  createdAt: string
}

/** The audit log. Append-only except for `reset`. */
export interface HistoryStore {
  append(records: HistoryRecord[]): Promise<void>
  /** Changes to one memory, oldest first. */
  forMemory(memoryId: string): Promise<HistoryEntry[]>
  reset(): Promise<void>
  close(): Promise<void>
}

// ───────────────────────────── Graph ─────────────────────────────

/**
 * Where entities and relations live (SPEC §4). The graph pipeline and its stores arrive with the
 * graph-memory issue; until then no adapter implements this and `graphStore` resolves to none.
 */
export interface GraphStore {
  deleteScope(scope: Scope): Promise<void>
  reset(): Promise<void>
  close(): Promise<void>
}
