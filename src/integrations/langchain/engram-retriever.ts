import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager'
import { Document } from '@langchain/core/documents'
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers'
import type { Scope, SearchOptions } from '../../input.js'
import type { ScoredMemory, ScoredRelation } from '../../types.js'
import { relationLine } from '../relation-line.js'
import { type MemoryLike, ScopedMemory, type Unscoped } from '../scoped-memory.js'

/** Options of {@link EngramRetriever}: the scope, `search` options, and LangChain's retriever fields. */
export interface EngramRetrieverOptions extends Scope, Unscoped<SearchOptions>, BaseRetrieverInput {
  /** Also return the graph relations `search` found, one document each. Default `true`. */
  relations?: boolean
}

/**
 * Metadata of a document made from a stored fact: the search hit without its text (that is the
 * document's content). `id` goes to `memory.get`, `history` or `delete`.
 */
export type FactDocumentMetadata = { kind: 'fact' } & Omit<ScoredMemory, 'memory' | 'hash'>

/** Metadata of a document made from a graph relation. */
export interface RelationDocumentMetadata {
  kind: 'relation'
  score: number
  hops: number
  source: string
  relationship: string
  destination: string
  validFrom?: string
  validTo?: string | null
  /** Provenance: ids of the memories the relation came from. */
  memoryIds: string[]
  /** The walk from the query's entity to this relation, as lines. */
  path: string[]
}

export type EngramDocumentMetadata = FactDocumentMetadata | RelationDocumentMetadata

/**
 * A LangChain retriever over one scope of an Engram memory. `invoke(query)` runs `memory.search`
 * (no LLM call) and returns the facts, best first, then the relations, best first, as
 * `Document`s: a fact's text, or a relation as a line (`alice WORKS_AT Acme (since …)`). Scores and
 * provenance are in `metadata` (`kind` tells the two apart). The two lists are not merged because
 * their scores are on different scales.
 *
 * @example
 * ```ts
 * const retriever = new EngramRetriever(memory, { userId: 'alice', limit: 5 })
 * const docs = await retriever.invoke('Where does Alice work?')
 * ```
 */
export class EngramRetriever extends BaseRetriever<EngramDocumentMetadata> {
  static override lc_name(): string {
    return 'EngramRetriever'
  }

  override lc_namespace = ['engram', 'retrievers']
  readonly #memory: ScopedMemory
  readonly #search: Unscoped<SearchOptions>
  readonly #relations: boolean

  /** @throws EngramError INVALID_INPUT when the options name no scope */
  constructor(memory: MemoryLike, options: EngramRetrieverOptions) {
    const { userId, agentId, runId, relations, callbacks, tags, metadata, verbose, ...search } = options
    super({ callbacks, tags, metadata, verbose })
    this.#memory = new ScopedMemory(memory, { userId, agentId, runId })
    this.#search = search
    this.#relations = relations ?? true
  }

  override async _getRelevantDocuments(query: string, _runManager?: CallbackManagerForRetrieverRun): Promise<Document<EngramDocumentMetadata>[]> {
    const found = await this.#memory.search(query, this.#search)
    return [...found.results.map(factDocument), ...(this.#relations ? found.relations.map(relationDocument) : [])]
  }
}

function factDocument(fact: ScoredMemory): Document<FactDocumentMetadata> {
  const { memory, hash: _hash, ...hit } = fact
  return new Document({ id: fact.id, pageContent: memory, metadata: { kind: 'fact', ...hit } })
}

function relationDocument(relation: ScoredRelation): Document<RelationDocumentMetadata> {
  const { score, hops, source, relationship, destination, validFrom, validTo, memoryIds, path } = relation
  return new Document({
    pageContent: relationLine(relation),
    metadata: {
      kind: 'relation',
      score,
      hops,
      source,
      relationship,
      destination,
      ...(validFrom !== undefined && { validFrom }),
      ...(validTo !== undefined && { validTo }),
      memoryIds: memoryIds ?? [],
      path: (path ?? []).map(relationLine),
    },
  })
}
