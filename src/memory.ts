import { createContextStore, createEmbedder, createLLM, createReadAuditLog } from './adapters/registry.js'
import { BackgroundWork } from './background-work.js'
import { readEnv } from './config/env.js'
import { resolveConfig } from './config/resolve.js'
import type { EngramConfig } from './config/schema.js'
import { requireEmbeddingModel, taggedStores } from './embedding-model.js'
import { EngramError } from './errors.js'
import { OpenedPorts, openStores } from './open-stores.js'
import { storeLocations } from './store-binding.js'
import type { AddOptions, AuditOptions, ContextOptions, GetAllOptions, Messages, ReadOptions, Scope, SearchOptions } from './input.js'
import { add } from './operations/add.js'
import { checkEmbeddingDimensions, storeNames } from './operations/check-dimensions.js'
import { readAudit } from './operations/audit.js'
import { contextBlock } from './operations/context.js'
import { exportGraph, type GraphExportFormat, runCypher } from './operations/inspect-graph.js'
import { get, getAll, history } from './operations/read.js'
import { search } from './operations/search.js'
import { remove, removeAll, reset, update } from './operations/write.js'
import { prune, type PruneReport } from './operations/prune.js'
import type { PipelineContext } from './pipelines/context.js'
import { refreshSummaryIfDue } from './pipelines/conversation-context.js'
import { definedScope, scopeKey } from './memory-records.js'
import type { Embedder, GraphStore, HistoryStore, Journal, LLM, ReadRecord, VectorStore } from './ports.js'
import { recoverJournal, type RecoveryReport } from './journal/recover.js'
import { ScopeQueue } from './scope-queue.js'
import { exportScope } from './transfer/export-scope.js'
import { restoreRecords } from './transfer/restore-records.js'
import type { ScopeTransfer } from './transfer/scope-transfer.js'
import type { AddResult, ContextResult, GetAllResult, HistoryEntry, MemoryItem, SearchResult } from './types.js'

/**
 * Your own implementations of Engram's ports, used instead of what the config would build.
 * For providers Engram has no adapter for, and for tests.
 */
export interface MemoryAdapters {
  llm?: LLM
  embedder?: Embedder
  vectorStore?: VectorStore
  graphStore?: GraphStore
  historyStore?: HistoryStore
  journal?: Journal
  /** The clock used for timestamps. Default: `() => new Date()`. */
  clock?: () => Date
}

/** Read access to the knowledge graph (docs/contract.md), as `memory.graph`. */
export interface GraphInspector {
  /**
   * The scope's graph as text: `json`, `cypher` (a CREATE statement that rebuilds it), `graphml`, or
   * `html` (a self-contained page that draws it, with validity and provenance on hover).
   * Invalidated relations are included, with their `valid_to`.
   *
   * @throws EngramError INVALID_INPUT; INVALID_CONFIG when no graph store is configured
   */
  export(scope: Scope, format?: GraphExportFormat): Promise<string>
  /**
   * Runs a read-only Cypher query (Neo4j graph store only; writes are rejected). With `scope`, the
   * query is confined to that scope: it is rewritten so that every node and relationship it can
   * match, count or test is one the scope can see (the visibility rule of the contract), and constructs that cannot
   * be confined (procedure calls, LOAD CSV, USE, variable-length relationships, plugin functions)
   * are refused. Without `scope` it reads the whole Engram database, every user's graph: give that
   * form only to code that may read all scopes.
   *
   * @example
   * ```ts
   * const rows = await memory.graph.cypher('MATCH (e:__Entity__) RETURN e.name AS name', {}, { userId: 'alice' })
   * ```
   * @throws EngramError INVALID_INPUT for a write, a syntax error or a construct a scoped query
   *   refuses; INVALID_CONFIG on the embedded graph store
   */
  cypher(query: string, params?: Record<string, unknown>, scope?: Scope): Promise<Array<Record<string, unknown>>>
}

/**
 * Long-term memory for an LLM application: facts in a vector store, entities and relations in a
 * knowledge graph, an audit history in SQLite.
 *
 * @example
 * ```ts
 * const memory = await Memory.create()
 * await memory.add('I moved to Lisbon and I am vegetarian', { userId: 'alice' })
 * const { results } = await memory.search('where does alice live?', { userId: 'alice' })
 * await memory.close()
 * ```
 */
export class Memory {
  readonly #ctx: PipelineContext
  readonly #adds = new ScopeQueue()
  readonly #background = new BackgroundWork()
  #closed = false

  private constructor(ctx: PipelineContext) {
    this.#ctx = ctx
  }

  /**
   * Validates the config, reads environment fallbacks, opens the stores and creates their schema.
   * With no config it runs on one machine: SQLite files under `~/.engram`, the local embedding model.
   *
   * @throws EngramError INVALID_CONFIG for a bad config, for stores whose vectors come from another embedding
   *   model than the configured one (`engram reembed` moves them), or for a store holding embeddings of another
   *   dimension than the embedder's; EMBEDDER_UNAVAILABLE when the local model is missing
   *   (the message names the command that fetches it); STORE_UNAVAILABLE when a store cannot be opened.
   */
  static async create(config?: EngramConfig, adapters: MemoryAdapters = {}): Promise<Memory> {
    const resolved = resolveConfig(config, readEnv())
    const opened = new OpenedPorts()
    try {
      const llm = adapters.llm ?? (resolved.llm === null ? null : await createLLM(resolved.llm))
      const embedder = await opened.open(adapters.embedder, () => createEmbedder(resolved.embedder))
      const { vectorStore, graph, history, journal, locations } = await openStores(resolved, adapters, opened, async (vectorStore, graph) => {
        // Another dimension first: that mismatch has its own way out (reembed cannot change a dimension).
        const names = storeNames(resolved)
        await checkEmbeddingDimensions(embedder, [
          { store: vectorStore, name: adapters.vectorStore === undefined ? names.vectorStore : 'the vector store' },
          { store: graph, name: adapters.graphStore === undefined ? names.graphStore : 'the graph store' },
        ])
        await requireEmbeddingModel(embedder.model, taggedStores(vectorStore, graph))
      })
      const context = await opened.open(undefined, () => createContextStore(resolved.context, locations))
      const audit = await opened.open(undefined, () => createReadAuditLog(resolved.audit, locations))
      const memory = new Memory({
        llm,
        embedder,
        vectorStore,
        graph,
        history,
        journal,
        context,
        audit,
        config: resolved,
        now: adapters.clock ?? (() => new Date()),
      })
      // Adds a crash interrupted are completed (or undone) before anything else runs; an entry a
      // store cannot take yet stays journaled for `recover()` or the next start.
      await memory.recover()
      return memory
    } catch (error) {
      // Release whatever opened before the failure, so a bad config leaks no file handles.
      await opened.closeAll()
      throw error
    }
  }

  /**
   * Remembers a conversation. With `infer` (default) an LLM extracts facts and decides how they
   * change what is stored (ADD / UPDATE / DELETE); with `infer: false` each non-system message is
   * stored as it is, with no LLM call. Adds to one scope run one after another. Extraction also
   * sees the scope's earlier conversation (config `context`), to tell who "she" is; every
   * `context.summaryEvery` adds, the scope's rolling summary is refreshed after `add` has returned
   * (see {@link Memory.flush}).
   *
   * @throws EngramError INVALID_INPUT (nothing written); LLM_UNAVAILABLE when no LLM is configured or it
   *   cannot be reached; LLM_BAD_OUTPUT when the model keeps answering outside the tool protocol.
   * @example
   * ```ts
   * const { results } = await memory.add(
   *   [{ role: 'user', content: 'I just started at Globex', name: 'alice' }],
   *   { userId: 'alice', metadata: { source: 'chat' } },
   * )
   * ```
   */
  add(messages: Messages, options: AddOptions): Promise<AddResult> {
    return this.#use(async (ctx) => {
      const result = await this.#adds.run(scopeOf(options), () => add(ctx, messages, options))
      this.#refreshSummaryLater(ctx, scopeOf(options))
      return result
    })
  }

  /**
   * Waits for the work Engram does after `add` has returned (the refresh of a scope's rolling
   * conversation summary). Useful in tests and before an app exits; `close()` waits too. Never
   * rejects: a failed refresh is retried on the scope's next add.
   *
   * @example
   * ```ts
   * await memory.add('She said yes!', { userId: 'alice' })
   * await memory.flush() // the summary, if one was due, is stored
   * ```
   */
  flush(): Promise<void> {
    return this.#background.idle()
  }

  /**
   * Finds the memories most relevant to a query within a scope: vector and keyword search, fused.
   * Makes no LLM call. Each result carries `score` (0..1) and `explain` (the parts of the score).
   *
   * @throws EngramError INVALID_INPUT
   * @example
   * ```ts
   * const { results } = await memory.search('food preferences', { userId: 'alice', limit: 5 })
   * ```
   */
  search(query: string, options: SearchOptions): Promise<SearchResult> {
    return this.#use((ctx) => search(ctx, query, options))
  }

  /**
   * A block of text for a prompt: the facts relevant to the query, each with the day it was
   * stated, the relations valid now with the day each began, and, where the query concerns them,
   * fact texts an update replaced and relations that ended. Most useful first, cut so that the
   * text counts at most `maxTokens` tokens (cl100k_base; default 1000); the same stores and query
   * give the same block. Built on `search`: no LLM call. `items` says what each line came from.
   * See docs/context.md.
   *
   * @throws EngramError INVALID_INPUT
   * @example
   * ```ts
   * const { text } = await memory.context('when did Ana start at the clinic?', { userId: 'alice' }, { maxTokens: 500 })
   * const prompt = `What you know about the user:\n${text}\n\nQuestion: …`
   * ```
   */
  context(query: string, scope: Scope, options?: ContextOptions): Promise<ContextResult> {
    return this.#use((ctx) => contextBlock(ctx, query, scope, options))
  }

  /**
   * One memory by id, or `null`. With `scope`, a memory that scope cannot see (the read rule of
   * `search`) is `null` as well, so an id leaked from another tenant reveals nothing.
   *
   * `options.actor` names the reader in the read audit (config `audit`).
   *
   * @throws EngramError INVALID_INPUT; STORE_UNAVAILABLE when the enabled read audit cannot log the read
   * @example
   * ```ts
   * const item = await memory.get(id, { userId: 'alice' }) // null unless alice's scope sees it
   * ```
   */
  get(id: string, scope?: Scope, options?: ReadOptions): Promise<MemoryItem | null> {
    return this.#use((ctx) => get(ctx, id, scope, options))
  }

  /**
   * A scope's memories, newest first (default limit 100), optionally filtered by metadata.
   *
   * @throws EngramError INVALID_INPUT
   */
  getAll(options: GetAllOptions): Promise<GetAllResult> {
    return this.#use((ctx) => getAll(ctx, options))
  }

  /**
   * Replaces a memory's text, keeping its id; the memory is re-embedded and the change recorded.
   *
   * @throws EngramError NOT_FOUND, INVALID_INPUT
   */
  update(id: string, text: string): Promise<MemoryItem> {
    return this.#use((ctx) => update(ctx, id, text))
  }

  /** Deletes one memory; the deletion is recorded in its history. @throws EngramError NOT_FOUND, INVALID_INPUT */
  delete(id: string): Promise<void> {
    return this.#use((ctx) => remove(ctx, id))
  }

  /**
   * Erases everything the scope can see (the same matching as reads: `{userId:"a"}` includes
   * `{userId:"a", agentId:"x"}`) from every store: unfinished journal entries (no recovery brings
   * them back), memories, entities, relations, history rows, conversation context and read-audit
   * records; the embedded SQLite files, write-ahead logs included, keep no copy of the erased text.
   * At least one id is required, so this never deletes everything. Runs after every add in
   * progress that it covers (`{runId:"r"}` covers an add to `{userId:"a", runId:"r"}`).
   *
   * @throws EngramError INVALID_INPUT
   */
  deleteAll(scope: Scope): Promise<void> {
    // A summary refresh still running could otherwise store text of the erased conversation.
    return this.#use(async (ctx) => {
      await this.#background.idle()
      return this.#adds.run(scopeOf(scope), () => removeAll(ctx, scope))
    })
  }

  /**
   * Deletes what retention says is gone: memories past their `expiresAt`, memories not updated
   * within `retention.maxAgeDays`, and, for a scope, its oldest memories over `retention.maxCount`.
   * Expired memories are never returned by reads even before this runs; `prune` reclaims their
   * space, removes relations they alone supported, and records each deletion in history. Without a
   * scope it prunes every scope.
   *
   * @throws EngramError INVALID_INPUT; STORE_UNAVAILABLE when a store fails (completed deletions stay done)
   * @example
   * ```ts
   * await memory.add('My flight lands at 9', { userId: 'alice', expiresAt: '2026-12-01T00:00:00Z' })
   * const { deleted } = await memory.prune() // after Dec 1st: 1
   * ```
   */
  prune(scope?: Scope): Promise<PruneReport> {
    return this.#use((ctx) => prune(ctx, scope, (target, work) => this.#adds.run(target, work)))
  }

  /**
   * The changes to one memory, oldest first; empty when history is disabled. With `scope`, only
   * changes to a memory that scope can see: another scope's memory has no history for it.
   *
   * @throws EngramError INVALID_INPUT
   */
  history(id: string, scope?: Scope): Promise<HistoryEntry[]> {
    return this.#use((ctx) => history(ctx, id, scope))
  }

  /**
   * The read audit (opt-in, config `audit: { enabled: true }`): the searches, gets and getAlls the
   * scope can see (the matching of reads), oldest first (default limit 100), each with its scope,
   * the caller's `actor`, the query (or the id a `get` asked for), the ids of the memories
   * returned and the time. With `since`, only reads at or after it. While the audit is enabled a
   * read that cannot be logged fails with STORE_UNAVAILABLE rather than go unlogged.
   *
   * @throws EngramError INVALID_INPUT; INVALID_CONFIG when the audit is not enabled
   * @example
   * ```ts
   * await memory.search('allergies', { userId: 'alice', actor: 'support-bot' })
   * const reads = await memory.audit({ userId: 'alice' }, { since: '2025-01-01T00:00:00Z' })
   * // [{ operation: 'search', scope: { userId: 'alice' }, actor: 'support-bot', query: 'allergies', resultIds: [...], createdAt: '…' }]
   * ```
   */
  audit(scope: Scope, options?: AuditOptions): Promise<ReadRecord[]> {
    return this.#use((ctx) => readAudit(ctx, scope, options))
  }

  /**
   * Where this instance's stores keep their data (vector store, graph store, history: see
   * `VectorStore.location`). What it keeps beside them (journal, conversation context, read audit,
   * the CLI's import progress) is bound to these: an instance with other stores never sees it.
   */
  get storeLocations(): readonly string[] {
    return storeLocations(this.#ctx)
  }

  /** Inspection of the knowledge graph: export a scope's graph, or query Neo4j read-only. */
  get graph(): GraphInspector {
    return {
      export: (scope, format = 'json') => this.#use((ctx) => exportGraph(ctx, scope, format)),
      cypher: (query, params, scope) => this.#use((ctx) => runCypher(ctx, query, params, scope)),
    }
  }

  /** Export of a scope's memories, graph and history as records, and their lossless restore. */
  get transfer(): ScopeTransfer {
    return {
      export: (scope) => this.#use((ctx) => exportScope(ctx, scope)),
      restore: (records) => this.#use((ctx) => restoreRecords(ctx, records)),
    }
  }

  /**
   * Completes adds that a crash interrupted and undoes the writes of adds that failed half-way,
   * from the operation journal, so that facts, graph and history agree. Runs on its own in
   * `create`; call it again after a store that was unreachable is back. Entries another live
   * process is writing are left alone.
   */
  recover(): Promise<RecoveryReport> {
    return this.#use((ctx) => recoverJournal(ctx, (scope, work) => this.#adds.run(scope, work)))
  }

  /** Deletes everything in every store, every scope, history included. */
  reset(): Promise<void> {
    return this.#use(async (ctx) => {
      await this.#background.idle()
      return reset(ctx)
    })
  }

  /**
   * Waits for background work (see {@link Memory.flush}), then closes stores and models, including
   * adapters passed to `create`, and releases their files. Calling it twice is harmless.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#background.idle()
    const { llm, embedder, vectorStore, graph, history: historyStore, journal, context, audit } = this.#ctx
    await Promise.allSettled([
      llm?.close?.(),
      embedder.close(),
      vectorStore.close(),
      graph?.close(),
      historyStore?.close(),
      journal.close(),
      context?.close(),
      audit?.close(),
    ])
  }

  /** Starts the refresh of the add's scope's rolling summary, if due, once the add has returned. */
  #refreshSummaryLater(ctx: PipelineContext, options: Scope): void {
    const { context, llm } = ctx
    if (context === null || llm === null) return
    const scope = definedScope(options)
    // One refresh per exact scope at a time: the key is the scope as the context store keys it.
    this.#background.start(scopeKey(scope), () => refreshSummaryIfDue(ctx, context, llm, scope))
  }

  async #use<T>(operation: (ctx: PipelineContext) => Promise<T>): Promise<T> {
    if (this.#closed) throw new EngramError('STORE_UNAVAILABLE', 'this Memory is closed; create a new one with Memory.create()')
    return operation(this.#ctx)
  }
}

/** The scope fields of an options object, whatever else it holds (validated later by the operation). */
function scopeOf(options: unknown): Scope {
  const value = (typeof options === 'object' && options !== null ? options : {}) as Record<string, unknown>
  const pick = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : undefined)
  return { userId: pick('userId'), agentId: pick('agentId'), runId: pick('runId') }
}
