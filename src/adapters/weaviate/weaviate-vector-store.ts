import weaviate from 'weaviate-client'
import type { Collection, DataObject, FilterValue, WeaviateClient } from 'weaviate-client'
import { EngramError } from '../../errors.js'
import type { Scope } from '../../input.js'
import type {
  EmbeddingModelState,
  HybridHit,
  HybridQuery,
  MemoryWrite,
  NearestHit,
  NearestQuery,
  ScopeFilter,
  StoredMemory,
  Vector,
  VectorStore,
} from '../../ports.js'
import { dot } from '../vector-math.js'
import { DEFAULT_WEAVIATE_GRPC_PORT } from '../../config/resolve.js'
import { candidatePoolSize, fuseByReciprocalRank } from '../reciprocal-rank-fusion.js'
import type { KeywordCandidate, VectorCandidate } from '../reciprocal-rank-fusion.js'
import { requireScopeForDelete } from '../scope-columns.js'
import { type KeywordCorpus, queryTerms, scoreKeywords } from '../keyword-scoring.js'
import { storedTerms } from './keyword-text.js'
import {
  objectId,
  openMemoryCollection,
  replacedProperties,
  RETURNED_PROPERTIES,
  collectionTag,
  describeCollection,
  storedDimension,
  toObject,
  toStoredMemory,
} from './memory-collection.js'
import type { MemoryProperties } from './memory-collection.js'
import { dimensionMismatch, statusCode, translateWeaviateError } from './weaviate-errors.js'
import type { WeaviateCallContext } from './weaviate-errors.js'
import { expiredClause, whereClause } from './weaviate-filters.js'
import { compareStrings } from '../../compare-strings.js'

/** The collection used when none is configured. */
const DEFAULT_COLLECTION = 'EngramMemory'

/** Weaviate's default gRPC port. */

// Weaviate class names: a capital letter, then letters, digits and underscores.
const COLLECTION_NAME = /^[A-Z][_0-9A-Za-z]*$/

// Ids per id filter or delete: well below Weaviate's message size and its cap on objects one
// delete may match.
const BATCH_SIZE = 500

// Memories holding a query term that a keyword search scores at most (reading each costs the server
// an object read). A scope with more matches than this is scored on the first this many in
// Weaviate's own order, and counts a term's frequency among them: the one case where another
// scope's words can still reach its results.
const KEYWORD_MATCHES = 500

// Single-object inserts in flight at once (see #insertAllOrNothing): an add's few all at once, a
// restore's hundreds in waves that keep the server busy (64 measured faster than 16 at 500).
const INSERTS_IN_FLIGHT = 64

// How long a scope's keyword statistics are reused: counting a scope is one aggregate over its
// objects (~0.2 s at 10k memories), too slow for every search. This connection's writes drop
// them at once; another process's writes show within this time.
const CORPUS_TTL_MS = 30_000

/** Options of {@link WeaviateVectorStore.open}. */
export interface WeaviateVectorStoreOptions {
  /** The server's HTTP address, e.g. `http://127.0.0.1:8080`; gRPC is reached on the same host. */
  url: string
  /** Default {@link DEFAULT_WEAVIATE_GRPC_PORT}. */
  grpcPort?: number
  /** For servers with API-key authentication. */
  apiKey?: string
  /** Default `EngramMemory`. A capital letter, then letters, digits and `_`. */
  collection?: string
}

/**
 * The production vector store: one Weaviate collection (memory-collection.ts) that holds every
 * scope's memories, with Engram's vectors in a cosine HNSW index and a BM25 index over folded
 * words (keyword-text.ts). Scope and metadata filters (weaviate-filters.ts) are part of every
 * query. Hybrid search runs the vector and the keyword query side by side and fuses them here with
 * the embedded store's Reciprocal Rank Fusion, so that both backends score and explain alike.
 *
 * Weaviate has no transactions: an insert checks its ids first and deletes what it wrote if the
 * batch fails part-way; two processes inserting the same id at the same moment are not detected.
 */
export class WeaviateVectorStore implements VectorStore {
  readonly #client: WeaviateClient
  readonly #context: WeaviateCallContext
  readonly #collection: Collection<MemoryProperties>
  /** The server and collection (see VectorStore.location). */
  readonly location: string
  /** The collection's dimension as last read; another connection's reset() may change it. */
  #dimension: number | undefined
  /** Keyword statistics by filter (see #keywordCorpus), with the time they expire. */
  readonly #corpora = new Map<string, { corpus: Promise<KeywordCorpus>; until: number }>()

  private constructor(client: WeaviateClient, collection: Collection<MemoryProperties>, context: WeaviateCallContext, location: string) {
    this.#client = client
    this.location = location
    this.#collection = collection
    this.#context = context
  }

  /**
   * Connects to the server and opens the collection, creating it if it does not exist.
   *
   * @throws EngramError INVALID_CONFIG for a malformed URL or collection name, or a collection of
   *   that name that Engram did not create; STORE_UNAVAILABLE when the server cannot be reached.
   */
  static async open(options: WeaviateVectorStoreOptions): Promise<WeaviateVectorStore> {
    const collection = options.collection ?? DEFAULT_COLLECTION
    if (!COLLECTION_NAME.test(collection)) {
      throw new EngramError(
        'INVALID_CONFIG',
        `vectorStore.config.collection "${collection}" is not a Weaviate collection name: a capital letter, then letters, digits and _`,
      )
    }
    const endpoint = parseUrl(options.url)
    const context = { url: options.url, collection }
    let client: WeaviateClient
    try {
      client = await weaviate.connectToCustom({
        httpHost: endpoint.hostname,
        httpPort: endpoint.port,
        httpPath: endpoint.path,
        httpSecure: endpoint.secure,
        grpcHost: endpoint.hostname,
        grpcPort: options.grpcPort ?? DEFAULT_WEAVIATE_GRPC_PORT,
        grpcSecure: endpoint.secure,
        // Seconds. A stalled server fails the add's fact stage instead of holding it for the
        // client's defaults (90 s per insert); the journal undoes what was half-written.
        timeout: { init: 5, query: 15, insert: 30 },
        ...(options.apiKey === undefined ? {} : { authCredentials: new weaviate.ApiKey(options.apiKey) }),
      })
    } catch (error) {
      throw translateWeaviateError(error, context)
    }
    try {
      const location = `weaviate://${endpoint.hostname}:${endpoint.port}${endpoint.path}#${collection}`
      return new WeaviateVectorStore(client, await openMemoryCollection(client, collection), context, location)
    } catch (error) {
      await client.close()
      throw translateWeaviateError(error, context)
    }
  }

  /**
   * Stores new memories, all or none. The first insert into an empty collection fixes its vector dimension.
   *
   * @throws EngramError INVALID_CONFIG when a vector's dimension differs from the collection's;
   *   INVALID_INPUT for an id that already exists or appears twice; STORE_UNAVAILABLE.
   */
  async insert(memories: MemoryWrite[]): Promise<void> {
    if (memories.length === 0) return
    await this.#run(async () => {
      await this.#requireDimension(memories.map((memory) => memory.vector))
      await this.#refuseTakenIds(memories.map((memory) => memory.id))
      await this.#insertAllOrNothing(memories.map(toObject))
      this.#dimension ??= memories[0]!.vector.length
    })
  }

  /**
   * Replaces text, hash, vector, metadata, updatedAt, observedAt, expiresAt and mentions of an
   * existing memory; scope, createdAt and memoryType stay.
   *
   * @throws EngramError NOT_FOUND if no memory has this id; INVALID_CONFIG on a dimension mismatch.
   */
  async update(memory: MemoryWrite): Promise<void> {
    await this.#run(async () => {
      await this.#requireDimension([memory.vector])
      try {
        // PATCH: merges these properties into the object and replaces its vector.
        await this.#collection.data.update({ id: objectId(memory.id), properties: replacedProperties(memory), vectors: Array.from(memory.vector) })
        this.#corpora.clear()
      } catch (error) {
        if (statusCode(error) === 404) {
          throw new EngramError('NOT_FOUND', `memory ${memory.id} does not exist`, { cause: error })
        }
        throw error
      }
    })
  }

  /** Deletes memories by id; unknown ids are ignored. */
  async delete(ids: string[]): Promise<void> {
    await this.#run(() => this.#deleteObjects(ids.map(objectId)))
  }

  /** One memory, or `null`. */
  async get(id: string): Promise<StoredMemory | null> {
    return this.#run(async () => {
      const object = await this.#collection.query.fetchObjectById(objectId(id), { returnProperties: [...RETURNED_PROPERTIES] })
      return object === null ? null : toStoredMemory(object.properties)
    })
  }

  /** The stored memories among these ids, in the order given; unknown ids are left out. One id-filtered query per 500 ids. */
  async getMany(ids: string[]): Promise<StoredMemory[]> {
    return this.#run(async () => {
      const found = new Map<string, StoredMemory>()
      for (const batch of batches([...new Set(ids)])) {
        const result = await this.#collection.query.fetchObjects({
          filters: this.#collection.filter.byId().containsAny(batch.map(objectId)),
          limit: batch.length,
          returnProperties: [...RETURNED_PROPERTIES],
        })
        for (const object of result.objects) found.set(object.properties.memory_id, toStoredMemory(object.properties))
      }
      return ids.flatMap((id) => found.get(id) ?? [])
    })
  }

  /** The memories the scope can see that match the filters, newest first. */
  async list(filter: ScopeFilter & { limit: number }): Promise<StoredMemory[]> {
    return this.#run(async () => {
      const result = await this.#collection.query.fetchObjects({
        filters: this.#where(filter),
        limit: filter.limit,
        sort: this.#collection.sort.byProperty('created_at', false),
        returnProperties: [...RETURNED_PROPERTIES],
      })
      return result.objects.map((object) => toStoredMemory(object.properties))
    })
  }

  /**
   * k-nearest neighbours by cosine similarity, best first, among the memories the scope and
   * filters admit. Below Weaviate's flat-search cutoff (40,000 objects a filter admits, by
   * default) the search is exact; above it, it is HNSW's approximation.
   *
   * @throws EngramError INVALID_CONFIG when the query vector's dimension differs from the collection's.
   */
  async nearest(query: NearestQuery): Promise<NearestHit[]> {
    return this.#run(async () => {
      await this.#requireDimension([query.vector])
      return (await this.#nearest(query, query.limit, false)).map(({ memory, similarity }) => ({ memory, similarity }))
    })
  }

  /**
   * Hybrid search: the vector list and the BM25 list (each the best `candidates`, default
   * `candidatePoolSize(limit)`, the scope and filters admit; BM25 over those memories alone, see #keyword) fused by Reciprocal Rank
   * Fusion, best first, with the embedded store's scores and `explain`. Weaviate's own hybrid query (`rankedFusion`) uses the same formula but
   * reports neither the ranks nor the similarity of keyword-only hits, hence two queries, sent
   * together. A query text without letters or digits searches by vector only.
   *
   * @throws EngramError INVALID_CONFIG when the query vector's dimension differs from the collection's.
   */
  async search(query: HybridQuery): Promise<HybridHit[]> {
    return this.#run(async () => {
      await this.#requireDimension([query.vector])
      const candidates = query.candidates ?? candidatePoolSize(query.limit)
      const terms = queryTerms(query.text)
      const [byVector, byKeyword] = await Promise.all([
        this.#nearest(query, candidates, true),
        terms.length === 0 ? [] : this.#keyword(query, terms, candidates),
      ])
      return fuseByReciprocalRank(byVector, byKeyword, query.limit)
    })
  }

  /**
   * Deletes every memory the scope can see (the matching of reads), a page at a time: each page
   * is read with its ids, then deleted by those ids, so the result names exactly what was deleted.
   *
   * @returns the deleted memories.
   * @throws EngramError INVALID_INPUT for an empty scope, which would otherwise delete everything.
   */
  async deleteScope(scope: Scope): Promise<StoredMemory[]> {
    requireScopeForDelete(scope)
    return this.#run(async () => {
      const deleted: StoredMemory[] = []
      const filters = this.#where({ scope })
      for (;;) {
        const page = await this.#collection.query.fetchObjects({ filters, limit: BATCH_SIZE, returnProperties: [...RETURNED_PROPERTIES] })
        await this.#deleteObjects(page.objects.map((object) => object.uuid))
        deleted.push(...page.objects.map((object) => toStoredMemory(object.properties)))
        if (page.objects.length < BATCH_SIZE) return deleted
      }
    })
  }

  /**
   * Sets `mentions` of these memories by partial updates, which keep every other property and the
   * vector; unknown ids are skipped. One request per memory, sent together: an add confirms a few.
   */
  async setMentions(entries: Array<{ id: string; mentions: number }>): Promise<void> {
    await this.#run(async () => {
      await Promise.all(
        entries.map(async ({ id, mentions }) => {
          try {
            await this.#collection.data.update({ id: objectId(id), properties: { mentions } })
          } catch (error) {
            if (statusCode(error) !== 404) throw error
          }
        }),
      )
    })
  }

  /**
   * Memories due for deletion, oldest `updatedAt` first: expired at `now`, or updated before
   * `updatedBefore` when given; within the scope's visibility, or every scope without one.
   */
  async expired(query: { scope?: Scope; now: string; updatedBefore?: string; limit: number }): Promise<StoredMemory[]> {
    return this.#run(async () => {
      const result = await this.#collection.query.fetchObjects({
        filters: expiredClause(this.#collection.filter, query),
        limit: query.limit,
        sort: this.#collection.sort.byProperty('updated_at_ms', true),
        returnProperties: [...RETURNED_PROPERTIES],
      })
      return result.objects.map((object) => toStoredMemory(object.properties))
    })
  }

  /** The dimension of the collection's vectors, or undefined while it holds none. */
  async embeddingDimension(): Promise<number | undefined> {
    return this.#run(() => storedDimension(this.#collection))
  }

  /**
   * Deletes every memory of every scope by dropping and re-creating the collection, which also
   * forgets the vector dimension, so another embedding model may follow.
   */
  async reset(): Promise<void> {
    await this.#run(async () => {
      // The new collection keeps the embedding model tag: its next vectors come from the same model.
      const { description } = await this.#collection.config.get()
      await this.#client.collections.delete(this.#context.collection)
      this.#dimension = undefined
      this.#corpora.clear()
      // Opening, not creating: another connection may be resetting the same collection.
      await openMemoryCollection(this.#client, this.#context.collection, description)
    })
  }

  /** The embedding model tag, kept in the collection's description (see {@link EmbeddingModelState}); `reset` keeps it. */
  async embeddingModel(): Promise<EmbeddingModelState> {
    return this.#run(async () => {
      const [{ description }, dimension] = await Promise.all([this.#collection.config.get(), storedDimension(this.#collection)])
      return { ...collectionTag(description), dimension: dimension ?? null }
    })
  }

  /**
   * Records the embedding model tag in the collection's description. Weaviate makes the shards
   * read-only for a moment while it updates a collection's config, so this runs when a store is
   * first tagged and when a reembed starts and ends, never beside adds.
   */
  async tagEmbeddingModel(state: Pick<EmbeddingModelState, 'model' | 'reembedTo'>): Promise<void> {
    await this.#run(() => this.#collection.config.update({ description: describeCollection(state) }))
  }

  /** Closes the client's connections. */
  async close(): Promise<void> {
    await this.#client.close()
  }

  /** Runs one operation, translating whatever the client throws. */
  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw translateWeaviateError(error, this.#context)
    }
  }

  #where(filter: ScopeFilter): FilterValue | undefined {
    return whereClause(this.#collection.filter, filter)
  }

  /**
   * Checks that the vectors share one dimension and that it is the collection's. A mismatch with
   * the remembered dimension is read again first: another connection may have reset the collection.
   */
  async #requireDimension(vectors: Vector[]): Promise<void> {
    const length = vectors[0]!.length
    const other = vectors.find((vector) => vector.length !== length)
    if (other !== undefined) {
      throw new EngramError(
        'INVALID_CONFIG',
        `vectors of ${length} and ${other.length} dimensions cannot be stored together; one store holds one embedding model's vectors`,
      )
    }
    if (this.#dimension !== length) this.#dimension = await storedDimension(this.#collection)
    if (this.#dimension !== undefined && this.#dimension !== length) {
      throw dimensionMismatch(`holds ${this.#dimension}-dimensional vectors but got ${length}`, this.#context)
    }
  }

  /** @throws EngramError INVALID_INPUT for an id given twice or already stored. */
  async #refuseTakenIds(ids: string[]): Promise<void> {
    const twice = ids.find((id, index) => ids.indexOf(id) !== index)
    if (twice !== undefined) throw new EngramError('INVALID_INPUT', `memory id ${twice} appears twice in one insert; ids must be unique`)
    for (const batch of batches(ids)) {
      const found = await this.#collection.query.fetchObjects({
        filters: this.#collection.filter.byId().containsAny(batch.map(objectId)),
        limit: batch.length,
        returnProperties: ['memory_id'],
      })
      const taken = found.objects[0]?.properties.memory_id
      if (taken !== undefined) throw new EngramError('INVALID_INPUT', `memory ${taken} already exists; ids must be unique`)
    }
  }

  /**
   * Writes the objects, each in a gRPC batch of its own, up to {@link INSERTS_IN_FLIGHT} at once;
   * if any fails, deletes the ones written and throws the first failure. One object per call
   * because the client's `insertMany` serializes a batch one object per event-loop turn and polls
   * for the end every 500 ms: any batch of two or more objects waited at least half a second
   * (bench/weaviate-insert.ts), while a single object is serialized before the first poll.
   */
  async #insertAllOrNothing(objects: Array<DataObject<MemoryProperties>>): Promise<void> {
    const written: string[] = []
    const failures: unknown[] = []
    let next = 0
    const worker = async () => {
      while (next < objects.length && failures.length === 0) {
        const object = objects[next++]!
        try {
          const result = await this.#collection.data.insertMany([object])
          const [failure] = Object.values(result.errors)
          if (failure !== undefined) throw new Error(failure.message)
          written.push(...Object.values(result.uuids))
        } catch (error) {
          failures.push(error)
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(INSERTS_IN_FLIGHT, objects.length) }, worker))
    this.#corpora.clear()
    if (failures.length > 0) {
      await this.#deleteObjects(written)
      throw failures[0]
    }
  }

  async #deleteObjects(uuids: string[]): Promise<void> {
    if (uuids.length > 0) this.#corpora.clear()
    for (const batch of batches(uuids)) {
      const result = await this.#collection.data.deleteMany(this.#collection.filter.byId().containsAny(batch))
      if (result.failed > 0) throw new Error(`${result.failed} of ${batch.length} objects could not be deleted`)
    }
  }

  /** The `limit` nearest, best first; their vectors are read only `withVectors` (an empty vector otherwise). */
  async #nearest(query: NearestQuery, limit: number, withVectors: boolean): Promise<VectorCandidate[]> {
    const result = await this.#collection.query.nearVector(Array.from(query.vector), {
      filters: this.#where(query),
      limit,
      returnMetadata: ['distance'],
      returnProperties: [...RETURNED_PROPERTIES],
      includeVector: withVectors,
    })
    // The cosine metric's distance is 1 - cosine similarity.
    const candidates = result.objects.map((object) => ({
      memory: toStoredMemory(object.properties),
      vector: withVectors ? Float32Array.from(object.vectors.default as number[]) : new Float32Array(0),
      similarity: 1 - object.metadata!.distance!,
    }))
    return breakTies(candidates, (candidate) => candidate.similarity)
  }

  /**
   * The `limit` memories the query's filter admits with the best BM25 scores for the terms, best
   * first, scored by Engram (keyword-scoring.ts) with the statistics of those memories alone:
   * Weaviate's own scores use every scope's. Weaviate finds the memories holding a term (up to
   * {@link KEYWORD_MATCHES}) and aggregates the filter's count and mean length at the same time;
   * the best are then read whole, with their vectors.
   */
  async #keyword(query: HybridQuery, terms: string[], limit: number): Promise<KeywordCandidate[]> {
    const [matches, corpus] = await Promise.all([
      this.#collection.query.bm25(terms.join(' '), {
        queryProperties: ['keywords'],
        filters: this.#where(query),
        limit: KEYWORD_MATCHES,
        returnProperties: ['memory_id', 'keywords', 'created_at'],
      }),
      this.#keywordCorpus(query),
    ])
    // Weaviate returns matches in the order of its own scores; ties must not depend on them.
    const documents = matches.objects
      .map(({ properties }) => ({ key: properties.memory_id, createdAt: properties.created_at, terms: storedTerms(properties.keywords) }))
      .sort((a, b) => compareStrings(a.createdAt, b.createdAt) || compareStrings(a.key, b.key))
    const best = scoreKeywords(terms, documents, corpus).slice(0, limit)
    if (best.length === 0) return []
    const result = await this.#collection.query.fetchObjects({
      filters: this.#collection.filter.byId().containsAny(best.map(({ key }) => objectId(key))),
      limit: best.length,
      returnProperties: [...RETURNED_PROPERTIES],
      // The vectors, to report the similarity of hits the vector list did not reach.
      includeVector: true,
    })
    const byId = new Map(result.objects.map((object) => [object.properties.memory_id, object]))
    return best.flatMap(({ key, score, match }) => {
      const object = byId.get(key)
      if (object === undefined) return []
      const vector = Float32Array.from(object.vectors.default as number[])
      return [
        {
          memory: toStoredMemory(object.properties),
          vector,
          similarity: dot(query.vector, vector),
          keywordScore: score,
          keywordMatch: match,
        },
      ]
    })
  }

  /**
   * How many memories the scope, exactness, metadata filters and memory type admit, and their mean
   * keyword length; the time filters (expiry, age) are left out, as in the embedded store, so that
   * the figures can be reused between searches ({@link CORPUS_TTL_MS}).
   */
  #keywordCorpus(query: ScopeFilter): Promise<KeywordCorpus> {
    const filter: ScopeFilter = {
      scope: query.scope,
      exactScope: query.exactScope === true,
      filters: query.filters ?? {},
      ...(query.memoryType ? { memoryType: query.memoryType } : {}),
    }
    const key = JSON.stringify([
      filter.scope.userId,
      filter.scope.agentId,
      filter.scope.runId,
      filter.exactScope,
      Object.entries(filter.filters!),
      filter.memoryType,
    ])
    const now = Date.now()
    const held = this.#corpora.get(key)
    if (held !== undefined && held.until > now) return held.corpus
    const corpus = this.#collection.aggregate
      .overAll({ filters: this.#where(filter), returnMetrics: this.#collection.metrics.aggregate('keyword_length').integer(['mean']) })
      .then((result) => ({ documents: result.totalCount, averageLength: result.properties.keyword_length.mean ?? 0 }))
    this.#corpora.set(key, { corpus, until: now + CORPUS_TTL_MS })
    corpus.catch(() => this.#corpora.delete(key))
    return corpus
  }

  /**
   * Writes memories exactly as given (the restore of an export). Weaviate's batch insert replaces
   * an object with the same id, so a memory restored twice is stored once. Not atomic: a failed
   * batch leaves out the objects it wrote, and restoring again finishes.
   *
   * @throws EngramError INVALID_CONFIG when a vector's dimension differs from the collection's; STORE_UNAVAILABLE.
   */
  async restore(memories: MemoryWrite[]): Promise<void> {
    if (memories.length === 0) return
    await this.#run(async () => {
      await this.#requireDimension(memories.map((memory) => memory.vector))
      await this.#insertAllOrNothing(memories.map(toObject))
      this.#dimension ??= memories[0]!.vector.length
    })
  }
}

/**
 * Best first, and equal scores oldest first, as the embedded store orders them (by row number):
 * Weaviate returns ties in no particular order, and a tie in one list decides fused ranks.
 */
function breakTies<T extends VectorCandidate>(candidates: T[], score: (candidate: T) => number): T[] {
  return candidates.sort((a, b) => score(b) - score(a) || compareStrings(a.memory.createdAt, b.memory.createdAt) || compareStrings(a.memory.id, b.memory.id))
}

function* batches<T>(items: T[]): Iterable<T[]> {
  for (let start = 0; start < items.length; start += BATCH_SIZE) yield items.slice(start, start + BATCH_SIZE)
}

function parseUrl(url: string): { hostname: string; port: number; path: string; secure: boolean } {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (error) {
    throw new EngramError('INVALID_CONFIG', `vectorStore.config.url "${url}" is not a URL (e.g. http://127.0.0.1:8080)`, { cause: error })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new EngramError('INVALID_CONFIG', `vectorStore.config.url "${url}" must start with http:// or https://`)
  }
  const secure = parsed.protocol === 'https:'
  return {
    // `URL` keeps the brackets of an IPv6 host; the client adds its own.
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? (secure ? 443 : 80) : Number(parsed.port),
    path: parsed.pathname.replace(/\/$/, ''),
    secure,
  }
}
