import type { Metadata } from './input.js'
import type { MemoryType } from './ports.js'

/** A stored fact, as returned by every read. */
export interface MemoryItem {
  id: string
  /** The fact's text. */
  memory: string
  /** MD5 of the text; equal texts in one scope are stored once. */
  hash: string
  metadata: Metadata
  userId?: string
  agentId?: string
  runId?: string
  /** ISO-8601. */
  createdAt: string
  /** ISO-8601. */
  updatedAt: string
  /** ISO-8601: when the conversation it came from happened (`add`'s `observedAt`, default the time of the add). */
  observedAt: string
  /** `semantic` (a fact) or `procedural` (a summary of an agent's run). */
  memoryType: MemoryType
  /** How often conversations stated it: 1 when added, +1 per update or confirmation by an add. */
  mentions: number
  /** ISO-8601: when it expires (`add`'s `expiresAt`); absent: never. */
  expiresAt?: string
}

/** A relation between two entities of the knowledge graph (docs/contract.md). */
export interface Relation {
  source: string
  /** UPPER_SNAKE_CASE. */
  relationship: string
  destination: string
  sourceType?: string
  destinationType?: string
  validFrom?: string
  /** `null` or absent while the relation still holds. */
  validTo?: string | null
  /** Provenance: the memories this relation came from. */
  memoryIds?: string[]
}

/** What `add` did to the facts. */
export interface MemoryEvent {
  id: string
  memory: string
  event: 'ADD' | 'UPDATE' | 'DELETE'
  previousMemory?: string
}

/**
 * A stage of `add` that failed while the others went through (docs/contract.md). `context`: the conversation
 * context could not be read or kept; the add's memories are unaffected.
 */
export interface StageError {
  stage: 'facts' | 'graph' | 'history' | 'context'
  message: string
}

/** Result of `Memory.add`. */
export interface AddResult {
  results: MemoryEvent[]
  relations: { added: Relation[]; updated: Relation[]; invalidated: Relation[] }
  errors?: StageError[]
}

/** A fact found by `search`, with its score and the parts that make it up. */
export interface ScoredMemory extends MemoryItem {
  score: number
  /** The score's parts, e.g. `{ vector: 0.71, keyword: 0.4, fused: 0.032 }`. */
  explain?: Record<string, number>
}

/** A relation found by `search`, with how far from the query's entities it lies. */
export interface ScoredRelation extends Relation {
  /** The relation's id in the graph store (as `memory.graph.export` shows it). */
  id: string
  score: number
  /** Relations between the query's entity and this one, this one included. */
  hops: number
  /** The walk from the query's entity to this relation, in order. */
  path?: Relation[]
  /** The score's parts: entity match, decay for the hops, keyword relevance of the path. */
  explain?: Record<string, number>
}

/** Result of `Memory.search`. */
export interface SearchResult {
  results: ScoredMemory[]
  relations: ScoredRelation[]
}

/**
 * What a line of a context block shows: a stored fact, a relation valid now, a fact's earlier text
 * that an update replaced, or a relation that has ended.
 */
export type ContextItemKind = 'fact' | 'relation' | 'superseded_fact' | 'superseded_relation'

/** One line of a context block, and what it came from. */
export interface ContextItem {
  kind: ContextItemKind
  /**
   * `fact`: the memory's id; `relation` and `superseded_relation`: the relation's id;
   * `superseded_fact`: the id of the history entry whose update replaced the text.
   */
  id: string
  /** `superseded_fact`: the memory whose current text replaced this one. */
  memoryId?: string
  /**
   * The search score (0..1) of a fact or relation; a superseded line has the score of what
   * superseded it, or, found because the query names one of its entities, the score search gives
   * a relation of a named entity.
   */
  score: number
  /** The line as the block shows it, without its leading `- `. */
  line: string
}

/** Result of `Memory.context`: a block of text for a prompt, and the items it shows, most useful first. */
export interface ContextResult {
  /** The block; empty when nothing matched or not even the first item fits `maxTokens`. */
  text: string
  /** Tokens of `text` in the cl100k_base encoding, at most `maxTokens`. */
  tokens: number
  items: ContextItem[]
}

/** Result of `Memory.getAll`. */
export interface GetAllResult {
  results: MemoryItem[]
  relations: Relation[]
}

/** One change to one memory, as kept in the audit history. */
export interface HistoryEntry {
  id: string
  memoryId: string
  event: 'ADD' | 'UPDATE' | 'DELETE'
  /** Text before the change; `null` for ADD. */
  oldMemory: string | null
  /** Text after the change; `null` for DELETE. */
  newMemory: string | null
  userId?: string
  agentId?: string
  runId?: string
  /** Who caused it: the message `name`, when the conversation gave one. */
  actor?: string
  /** The role of the message the fact came from, when known. */
  role?: string
  /** ISO-8601. */
  createdAt: string
}
