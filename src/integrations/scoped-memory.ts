import { EngramError } from '../errors.js'
import {
  type AddOptions,
  type ContextOptions,
  type GetAllOptions,
  type Messages,
  parseInput,
  requiredScopeSchema,
  type Scope,
  type SearchOptions,
} from '../input.js'
import type { Memory } from '../memory.js'
import { definedScope } from '../memory-records.js'
import type { GraphExportFormat } from '../operations/inspect-graph.js'
import type { AddResult, ContextResult, GetAllResult, HistoryEntry, MemoryItem, SearchResult } from '../types.js'

/** Options of a scoped call: the call's own options, never a scope (the scope is fixed). */
export type Unscoped<T> = Omit<T, keyof Scope>

/**
 * The part of {@link Memory} integrations call. Structural on purpose: `engram` and `engram/langchain`
 * are separate entry points, and a class with private fields would only accept instances built from
 * its own declaration.
 */
export type MemoryLike = Pick<Memory, 'add' | 'search' | 'context' | 'getAll' | 'get' | 'delete' | 'history' | 'graph'>

const SCOPE_KEYS = ['userId', 'agentId', 'runId'] as const

/**
 * A {@link Memory} seen through one scope fixed at construction, for integrations that hand memory
 * operations to someone else (an agent's tools, an MCP client). Every read and write uses that
 * scope, and a memory id from another scope behaves as if it did not exist: `NOT_FOUND`, so a
 * caller cannot even learn that it exists.
 */
export class ScopedMemory {
  readonly scope: Readonly<Scope>
  readonly #memory: MemoryLike

  /** @throws EngramError INVALID_INPUT when the scope names none of userId, agentId, runId */
  constructor(memory: MemoryLike, scope: Scope) {
    this.#memory = memory
    this.scope = Object.freeze(definedScope(parseInput(requiredScopeSchema, scope, 'scope')))
  }

  add(messages: Messages, options: Unscoped<AddOptions> = {}): Promise<AddResult> {
    return this.#memory.add(messages, this.#scoped(options))
  }

  search(query: string, options: Unscoped<SearchOptions> = {}): Promise<SearchResult> {
    return this.#memory.search(query, this.#scoped(options))
  }

  /** A block of this scope's memory for a prompt (see `memory.context`). */
  context(query: string, options: ContextOptions = {}): Promise<ContextResult> {
    return this.#memory.context(query, this.scope, options)
  }

  getAll(options: Unscoped<GetAllOptions> = {}): Promise<GetAllResult> {
    return this.#memory.getAll(this.#scoped(options))
  }

  /** @throws EngramError NOT_FOUND when no memory of this scope has the id */
  async get(id: string): Promise<MemoryItem> {
    const item = await this.#memory.get(id, this.scope)
    if (item === null) throw notFound(id)
    return item
  }

  /** @throws EngramError NOT_FOUND when no memory of this scope has the id */
  async delete(id: string): Promise<void> {
    await this.get(id)
    await this.#memory.delete(id)
  }

  /**
   * The memory's changes, oldest first; deleted memories keep theirs.
   *
   * @throws EngramError NOT_FOUND when the id was never a memory of this scope
   */
  async history(id: string): Promise<HistoryEntry[]> {
    const entries = await this.#memory.history(id, this.scope)
    // No entries: another scope's id, or history is disabled and the memory itself must be ours.
    if (entries.length === 0) await this.get(id)
    return entries
  }

  /** This scope's graph as text (see `memory.graph.export`). */
  exportGraph(format: GraphExportFormat = 'json'): Promise<string> {
    return this.#memory.graph.export(this.scope, format)
  }

  #scoped<T extends object>(options: T): T & Scope {
    // Scope keys a caller slipped in at run time are dropped, not merged: the fixed scope is the only one.
    const rest = Object.fromEntries(Object.entries(options).filter(([key]) => !(SCOPE_KEYS as readonly string[]).includes(key))) as T
    return { ...rest, ...this.scope }
  }
}

function notFound(id: string): EngramError {
  return new EngramError('NOT_FOUND', `no memory with id "${id}" in this scope`)
}
