/**
 * The ports: the small interfaces the pipelines depend on. Each backend or provider is one
 * file under `src/adapters/` that implements one of them. Nothing here imports an adapter.
 */
import type { Metadata, Scope } from './input.js'
import type { HistoryEntry } from './types.js'

/** An embedding. L2-normalised by every embedder, so a dot product is the cosine similarity. */
export type Vector = Float32Array

// ───────────────────────────── LLM ─────────────────────────────

/** One part of a multimodal chat message (OpenAI's content-part shape). */
export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }

/**
 * A chat message as sent to the model. Engram renders speakers' names into the content itself.
 * `content` is a list of parts only when it carries an image, and only to an LLM configured as
 * vision-capable (`llm.config.vision`).
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string | ChatContentPart[]
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
  /** The reply stopped at the token budget, so its tool arguments may be cut short (call-tool then retries). */
  truncated?: boolean
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
  /**
   * Capability: the model accepts `image_url` content parts, so images in an add's messages are
   * described by it (`describe_image`). Absent or false: images are skipped with a warning.
   */
  readonly vision?: boolean
  chat(request: ChatRequest): Promise<ChatResponse>
  /** Releases what the model holds (a local model's weights); absent for remote providers. */
  close?(): Promise<void>
}

// ─────────────────────────── Embedder ───────────────────────────

/**
 * What a text is embedded for. Retrieval models embed the two sides differently (bge-small-en-v1.5
 * puts an instruction before queries, e5 prefixes "query: " and "passage: "): `query` for a search
 * query, `document` for what is stored to be found (memories, entity names) and for what is
 * compared with it like for like (a new fact against stored ones, a name against stored names).
 */
export type EmbeddingPurpose = 'query' | 'document'

/** Turns texts into vectors, many at once. Throws `EngramError('EMBEDDER_UNAVAILABLE', …)` when it cannot. */
export interface Embedder {
  /**
   * Identifies the model; stores tag their vectors with it, so a store built with one model is
   * not searched with another.
   */
  readonly model: string
  /** One vector per text, in order, L2-normalised, embedded for `purpose`. */
  embed(texts: string[], purpose: EmbeddingPurpose): Promise<Vector[]>
  close(): Promise<void>
}

/**
 * Which embedding model made the vectors a store holds. Every vector of a store is of its
 * `model`, except while `reembedTo` is set: `reembed` is then replacing them with that model's,
 * and the store serves neither until it is done (docs/embedders.md).
 */
export interface EmbeddingModelState {
  /** `Embedder.model` of its vectors; null for a store that was never tagged (new, or from before tags). */
  model: string | null
  /** The model an unfinished `reembed` is moving the store to, else null. */
  reembedTo: string | null
  /** The dimension of the vectors it holds; null when it holds none. */
  dimension: number | null
}

/** What a store that keeps vectors records about their model. */
export interface EmbeddingModelTag {
  /** The store's current tag and the dimension of what it holds. */
  embeddingModel(): Promise<EmbeddingModelState>
  /** Tags the store: `model` and `reembedTo` are recorded as given (`dimension` is read, never written). */
  tagEmbeddingModel(state: Pick<EmbeddingModelState, 'model' | 'reembedTo'>): Promise<void>
}

// ───────────────────────── Vector store ─────────────────────────

/**
 * `semantic`: a fact extracted from a conversation (the default). `procedural`: one structured
 * summary of an agent's run (goal, steps, outcome).
 */
export type MemoryType = 'semantic' | 'procedural'

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
  /** ISO-8601: when the conversation it came from happened (the add's `observedAt`). */
  observedAt: string
  /** ISO-8601 time from which the memory is expired (never returned, deleted by `prune`); `null`: never. */
  expiresAt: string | null
  memoryType: MemoryType
  /** How often the memory was stated: 1 when added, +1 each time an add updates or confirms it. */
  mentions: number
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
  /**
   * Match `scope` exactly instead: an absent id matches only memories without that id (the scope
   * an add writes to, which alone it may show its update step and change).
   */
  exactScope?: boolean
  filters?: Metadata
  /** Only memories of this type. */
  memoryType?: MemoryType
  /** Only memories not expired at this ISO-8601 time (`expiresAt` null or later). */
  activeAt?: string
  /** Only memories whose `updatedAt` is at or after this ISO-8601 time (retention `maxAgeDays`). */
  updatedSince?: string
}

export interface NearestQuery extends ScopeFilter {
  vector: Vector
  limit: number
}

export interface HybridQuery extends ScopeFilter {
  vector: Vector
  text: string
  /** How many fused hits to return at most. */
  limit: number
  /**
   * How many memories each list (vector, keyword) fetches before fusing; default
   * `candidatePoolSize(limit)`. With `limit` at least twice this, every memory either list found is returned.
   */
  candidates?: number
}

export interface NearestHit {
  memory: StoredMemory
  /** Cosine similarity, -1..1. */
  similarity: number
}

export interface HybridHit {
  memory: StoredMemory
  /** The memory's stored vector (L2-normalised), for measures between hits (src/search/crowding.ts). */
  vector: Vector
  /** Fused score in 0..1, higher is better. */
  score: number
  /**
   * The score's parts: `vectorSimilarity` (cosine, -1..1), `vectorRank` and `keywordRank` (1-based,
   * where that list had the memory), `fused`, and for keyword hits `keywordScore`: BM25 (k1 1.2,
   * b 0.75, Lucene's idf `ln(1 + (N − n + 0.5) / (n + 0.5))`) over the memories the query's scope,
   * metadata filters and memory type admit (expired ones too until pruned) and nothing else, N of
   * them, n holding the term, lengths in folded terms. Positive and
   * unbounded, higher is better, equal on every backend for the same memories; it depends only on
   * the query and those memories, never on another scope's. `keywordMatch`, 0..1, is that score
   * over the sum of the query terms' idf (what a memory of average length holding each term once
   * scores): how much of the query's keyword weight the memory holds.
   */
  explain: Record<string, number>
}

/** Where facts and their vectors live. `reset` empties it but keeps its embedding model tag. */
export interface VectorStore extends EmbeddingModelTag {
  /**
   * Where the store keeps its data: a SQLite file's absolute path, or a server's address with the
   * collection or database. Two stores with the same location hold the same data. What Engram
   * keeps beside its stores (journal, conversation context, read audit) is bound to the locations
   * of the stores it was written for, and never applied to, or shown with, other stores.
   */
  readonly location: string
  insert(memories: MemoryWrite[]): Promise<void>
  /** Replaces text, hash, vector, metadata and updatedAt of an existing memory. Throws NOT_FOUND if absent. */
  update(memory: MemoryWrite): Promise<void>
  delete(ids: string[]): Promise<void>
  get(id: string): Promise<StoredMemory | null>
  /** The stored memories among these ids, in the order given; unknown ids are left out. One request, not one per id. */
  getMany(ids: string[]): Promise<StoredMemory[]>
  /** Newest first. */
  list(filter: ScopeFilter & { limit: number }): Promise<StoredMemory[]>
  /** Pure vector k-nearest-neighbours, best first. */
  nearest(query: NearestQuery): Promise<NearestHit[]>
  /**
   * Vector and keyword search fused, best first. Results, scores and order depend only on the
   * memories the query's scope and filters admit (see {@link HybridHit.explain}).
   */
  search(query: HybridQuery): Promise<HybridHit[]>
  /** Deletes every memory the scope can see (same matching as reads); returns what it deleted. */
  deleteScope(scope: Scope): Promise<StoredMemory[]>
  /**
   * Sets `mentions` of these memories to the given values (absolute, so a redo changes nothing);
   * nothing else changes, `updatedAt` included. Unknown ids are skipped.
   */
  setMentions(entries: Array<{ id: string; mentions: number }>): Promise<void>
  /**
   * Memories due for deletion, oldest `updatedAt` first, at most `limit`: those with `expiresAt`
   * at or before `now`, and, when `updatedBefore` is given, those updated before it. Within the
   * scope's visibility when `scope` is given, else in every scope.
   */
  expired(query: { scope?: Scope; now: string; updatedBefore?: string; limit: number }): Promise<StoredMemory[]>
  /**
   * The dimension of the stored vectors (one embedding model's), or undefined while none is stored.
   * Optional: `Memory.create` compares it with the embedder's and refuses a mismatch at open.
   */
  embeddingDimension?(): Promise<number | undefined>
  reset(): Promise<void>
  close(): Promise<void>
  /**
   * Writes memories exactly as given (id, scope, hash, metadata, timestamps), replacing a memory
   * with the same id: the restore of an export (src/transfer), so running it twice changes nothing.
   */
  restore(memories: MemoryWrite[]): Promise<void>
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

/** An audit row as stored: the appended record plus the id it was given. */
export interface StoredHistoryRecord extends HistoryRecord {
  id: string
}

/** The audit log. Append-only except for `reset`. */
export interface HistoryStore {
  /** Where the store keeps its data: see {@link VectorStore.location}. */
  readonly location: string
  append(records: HistoryRecord[]): Promise<void>
  /** Changes to one memory, oldest first. */
  forMemory(memoryId: string): Promise<HistoryEntry[]>
  /** Every change to one memory, relation or entity, oldest first, with its provenance (`memoryIds`). */
  forTarget(target: HistoryTarget, targetId: string): Promise<StoredHistoryRecord[]>
  reset(): Promise<void>
  close(): Promise<void>
  /** Every record the scope can see (the matching of reads), in the order appended: what an export writes. */
  scopeRecords(scope: Scope): Promise<StoredHistoryRecord[]>
  /**
   * Erases every record the scope can see (the matching of reads), texts included, so that no
   * trace of the scope's data is left in the file (`deleteAll`). Returns how many were erased.
   */
  deleteScope(scope: Scope): Promise<number>
  /** Appends records as they are, ids included, in order; a record whose id is already stored is skipped. */
  restore(records: StoredHistoryRecord[]): Promise<void>
}

// ──────────────────────────── Journal ────────────────────────────

/**
 * `pending`: the writes are under way, or were interrupted; recovery completes them (redo).
 * `rolling_back`: the add failed and reported it; recovery undoes what it wrote.
 * `done`: every write happened; only bookkeeping (the graph's operation record) is left.
 */
export type JournalState = 'pending' | 'rolling_back' | 'done'

/** One add's intent: everything it will write, recorded before the first write. */
export interface JournalEntry {
  /** Also the graph apply's `operationId`. */
  id: string
  /** The add's scope: erasing a scope that covers it (`deleteAll`) erases the entry. */
  scope: Scope
  state: JournalState
  /** The process that owns the entry while it is being written. */
  ownerPid: number
  /** What to write, as JSON text (the journal does not interpret it). */
  plan: string
  /** How far the writes got, as JSON text. */
  progress: string
  createdAt: string
}

/**
 * The operation journal (SQLite): an add writes its intent here before it touches a store and
 * its completion after, so that an interrupted add can be completed or rolled back.
 */
export interface Journal {
  begin(entry: JournalEntry): Promise<void>
  /** Records a new state and progress of an entry. */
  mark(id: string, state: JournalState, progress: string): Promise<void>
  /** Drops a finished entry. */
  finish(id: string): Promise<void>
  /** Entries not finished, oldest first. */
  unfinished(): Promise<JournalEntry[]>
  /** Erases the unfinished entries of every scope this one can see (the matching of reads), and their traces. */
  deleteScope(scope: Scope): Promise<void>
  close(): Promise<void>
}

// ───────────────────────────── Graph ─────────────────────────────

/** An entity as relations refer to it. */
export interface EntityRef {
  id: string
  /** Display name, as first written. */
  name: string
  type: string
}

/** An `__Entity__` node (docs/contract.md). Unique per (exact scope, key). */
export interface StoredEntity extends EntityRef {
  /** Normalised name: lower-case, trimmed, single spaces. */
  key: string
  scope: Scope
  mentions: number
  createdAt: string
  updatedAt: string
}

/** A relationship between two entities, with its validity interval and provenance. */
export interface StoredRelation {
  id: string
  source: EntityRef
  /** UPPER_SNAKE_CASE, matching `^[A-Z][A-Z0-9_]{0,63}$`. */
  relationship: string
  destination: EntityRef
  validFrom: string
  /** `null` while the relation holds. */
  validTo: string | null
  mentions: number
  /** The memories this relation was learned from. */
  memoryIds: string[]
  scope: Scope
  createdAt: string
  updatedAt: string
}

/** An entity to create, or to mention again when its (scope, key) exists. */
export interface EntityWrite {
  key: string
  name: string
  type: string
  vector: Vector
}

/** One change to relations, applied by the store inside the add's single transaction. */
export type RelationOp =
  /**
   * Asserts a relation. If a valid one with the same endpoints and type exists, it is reinforced
   * (mentions + 1, memory ids merged) instead of duplicated; an invalidated one is never reopened:
   * re-asserting it starts a new relation, i.e. a new validity interval.
   */
  | { op: 'assert'; sourceKey: string; relationship: string; destinationKey: string; validFrom: string; memoryIds: string[] }
  /** Ends a valid relation's validity at `validTo`; the relation is kept. */
  | { op: 'invalidate'; relationId: string; validTo: string }

/** Every graph write of one add, for one exact scope. */
export interface GraphChanges {
  scope: Scope
  /** ISO-8601 time of the write (created_at / updated_at). */
  now: string
  entities: EntityWrite[]
  relations: RelationOp[]
  /**
   * Memories this add deleted: after the relation ops, each is dropped from provenance as by
   * `forgetMemory` (relations it alone supported are removed: `RELATION_REMOVED` events).
   */
  forgetMemoryIds?: string[]
  /**
   * Makes the apply idempotent: the store records this id and the events in the same
   * transaction, and an apply whose id is already recorded changes nothing and returns the
   * recorded events. The journal's redo after a crash relies on it (see `appliedOperation`).
   */
  operationId?: string
}

/** What `GraphStore.apply` did, in order: the pipeline turns these into results and history. */
export type GraphEvent =
  | { event: 'ENTITY_CREATED'; entity: StoredEntity }
  | { event: 'RELATION_ADDED'; relation: StoredRelation }
  | { event: 'RELATION_REINFORCED'; relation: StoredRelation }
  | { event: 'RELATION_INVALIDATED'; relation: StoredRelation }
  /** A relation whose only provenance was a memory of `forgetMemoryIds`, deleted. */
  | { event: 'RELATION_REMOVED'; relation: StoredRelation; memoryId: string }

export interface EntityMatch {
  entity: StoredEntity
  /** Cosine similarity of the entity's name embedding, -1..1. */
  similarity: number
}

export interface LinkedEntity extends EntityMatch {
  /** The entity's key occurs in the query text as whole words. */
  keyword: boolean
}

export interface TraversalQuery {
  /** Visibility scope, as for reads. */
  scope: Scope
  /** Entity ids to start from. */
  seeds: string[]
  /** Maximum path length in relations, 1..4. */
  hops: number
  /** Follow relations valid at this ISO-8601 time; absent: relations valid now (`valid_to` null). */
  asOf?: string
  /** At most this many paths. */
  limit: number
}

/** A path from a seed entity; its last relation is the one found, `path.length` its hop count. */
export interface TraversalPath {
  seedId: string
  path: StoredRelation[]
}

/**
 * Where entities and relations live (docs/contract.md). Resolution and writes use the add's exact scope
 * (absent ids match only absent ids); reads use visibility scope like the vector store.
 */
export interface GraphStore extends EmbeddingModelTag {
  /** Where the store keeps its data: see {@link VectorStore.location}. */
  readonly location: string
  /** Entities of exactly this scope with these keys. */
  entitiesByKey(scope: Scope, keys: string[]): Promise<StoredEntity[]>
  /**
   * For each vector, the most similar entity of exactly this scope with similarity ≥
   * `minSimilarity`, or null. Must use an index of the scope's entities, not scan every node.
   */
  similarEntities(scope: Scope, vectors: Vector[], minSimilarity: number): Promise<Array<EntityMatch | null>>
  /** Valid relations of exactly this scope touching any of these entities. */
  validRelationsOf(scope: Scope, entityIds: string[]): Promise<StoredRelation[]>
  /** Applies every change of one add in one transaction: all or nothing. */
  apply(changes: GraphChanges): Promise<GraphEvent[]>
  /** Query → entities: by embedding (≥ minSimilarity) and by the key occurring in `text` (normalised query). */
  linkEntities(query: { scope: Scope; vector: Vector; text: string; minSimilarity: number; limit: number }): Promise<LinkedEntity[]>
  /** Multi-hop walk over valid relations (either direction) from the seeds, in one query. */
  traverse(query: TraversalQuery): Promise<TraversalPath[]>
  /** Relations visible to a scope, newest first; `validOnly` drops invalidated ones. */
  relations(query: { scope: Scope; validOnly: boolean; limit: number }): Promise<StoredRelation[]>
  /** Entities visible to a scope, by name. */
  entities(query: { scope: Scope; limit: number }): Promise<StoredEntity[]>
  /**
   * Drops a deleted memory, of exactly `scope`, from provenance: relations whose only provenance it was are removed,
   * the others lose it from `memoryIds`. Returns the removed relations.
   */
  forgetMemory(memoryId: string, scope: Scope): Promise<StoredRelation[]>
  /** Deletes every entity and relation the scope can see; never everything for an empty scope. */
  deleteScope(scope: Scope): Promise<void>
  /** The events recorded by the apply with this `operationId`, or null when no such apply committed. */
  appliedOperation(operationId: string): Promise<GraphEvent[] | null>
  /** Forgets the records of these operation ids once their journal entries are complete. */
  clearOperations(operationIds: string[]): Promise<void>
  /**
   * Capability: runs a caller's Cypher read-only (graph stores that speak Cypher). Absent on
   * stores that do not; `memory.graph.cypher()` then says so. With `scope`, the query is confined:
   * it sees only the entities and relations that scope can see (visibility, as for reads), or it
   * is refused with INVALID_INPUT; without, it reads the whole database.
   */
  readCypher?(query: string, params: Record<string, unknown>, scope?: Scope): Promise<Array<Record<string, unknown>>>
  /**
   * The dimension of the stored entity embeddings (one embedding model's), or undefined while none is stored.
   * Optional: `Memory.create` compares it with the embedder's and refuses a mismatch at open.
   */
  embeddingDimension?(): Promise<number | undefined>
  reset(): Promise<void>
  close(): Promise<void>
  /**
   * Writes entities and relations exactly as given (ids, scope, mentions, timestamps, validity,
   * provenance), replacing those with the same id, in one transaction: the restore of an export
   * (src/transfer). A relation's endpoints must be stored or among `entities`.
   */
  restore(graph: GraphRestore): Promise<void>
}

/** What {@link GraphStore.restore} writes: entities with their name embeddings, and relations, whose endpoints it names by id. */
export interface GraphRestore {
  entities: Array<StoredEntity & { vector: Vector }>
  relations: Array<Omit<StoredRelation, 'source' | 'destination'> & { source: Pick<EntityRef, 'id'>; destination: Pick<EntityRef, 'id'> }>
}

// ──────────────────────── Conversation context ────────────────────────

/** A message kept as context, as the extraction prompts show it. */
export interface ContextMessage {
  role: 'user' | 'assistant' | 'system'
  content: string
  name?: string
  /** ISO-8601: when the add that brought it happened. */
  createdAt: string
}

/** What the context store holds for one exact scope. */
export interface ConversationContext {
  /** The kept messages, oldest first: the newest ones, and any older ones the summary does not cover yet. */
  messages: ContextMessage[]
  /** How many of the last `messages` the summary does not cover yet: what its next refresh reads. */
  messagesSinceSummary: number
  /** The rolling summary of the scope's older conversation, or null before the first refresh. */
  summary: string | null
  /** Adds since the summary was last refreshed. */
  addsSinceSummary: number
}

/** What {@link ContextStore.append} keeps of a scope's messages. */
export interface ContextRetention {
  /** The newest messages, kept whatever the summary covers (what the extraction prompts show). */
  latest: number
  /**
   * Besides those, up to this many of the newest messages the summary does not cover yet, so that
   * a refresh every few adds still reads them all; 0 when summaries are off.
   */
  unsummarized: number
}

/**
 * The conversation context of each exact scope (userId/agentId/runId as given, absent ids
 * matching only absent ids): its last messages and a rolling summary (SQLite).
 */
export interface ContextStore {
  /** The context of exactly this scope (empty when none is kept). */
  read(scope: Scope): Promise<ConversationContext>
  /** Appends an add's messages, drops what `keep` does not retain, and counts the add toward the next summary refresh. */
  append(scope: Scope, messages: ContextMessage[], keep: ContextRetention): Promise<void>
  /**
   * Replaces the summary, which now covers `covered` more adds (the `addsSinceSummary` its refresh
   * read; adds that came in meanwhile still count toward the next one). Does nothing when the scope's
   * context was erased meanwhile, so a late refresh cannot bring back deleted conversation.
   */
  setSummary(scope: Scope, summary: string, covered: number): Promise<void>
  /** Erases the context of every scope this one can see (the matching of reads). */
  deleteScope(scope: Scope): Promise<void>
  reset(): Promise<void>
  close(): Promise<void>
}

// ──────────────────────────── Read audit ────────────────────────────

/** One logged read: who read what in which scope, and which memories came back. */
export interface ReadRecord {
  operation: 'search' | 'get' | 'getAll'
  scope: Scope
  /** The caller-supplied actor (`actor` option), when given. */
  actor?: string
  /** The search query, or the id asked for by `get`; absent for `getAll`. */
  query?: string
  /** Ids of the memories returned, in order. */
  resultIds: string[]
  /** ISO-8601. */
  createdAt: string
}

/** The opt-in log of reads (SQLite; config `audit.enabled`). */
export interface ReadAuditLog {
  record(entry: ReadRecord): Promise<void>
  /** Records the scope can see (the matching of reads), oldest first, from `since` on when given. */
  read(scope: Scope, query: { since?: string; limit: number }): Promise<ReadRecord[]>
  /** Erases every record the scope can see. */
  deleteScope(scope: Scope): Promise<void>
  reset(): Promise<void>
  close(): Promise<void>
}
