import { EngramError } from '../../errors.js'
import type { Metadata, Scope } from '../../input.js'
import type {
  EmbeddingModelState,
  HybridHit,
  HybridQuery,
  MemoryType,
  MemoryWrite,
  NearestHit,
  NearestQuery,
  ScopeFilter,
  StoredMemory,
  Vector,
  VectorStore,
} from '../../ports.js'
import { Statements } from '../../statements.js'
import { ftsMatch } from './fts-query.js'
import { type KeywordDocument, keywordTerms, queryTerms, scoreKeywords } from '../keyword-scoring.js'
import { fuseByReciprocalRank, candidatePoolSize } from '../reciprocal-rank-fusion.js'
import type { KeywordCandidate, VectorCandidate } from '../reciprocal-rank-fusion.js'
import { type ScopeClause, scopeClause } from './scope-clause.js'
import { requireScopeForDelete } from '../scope-columns.js'
import { fromScopeColumns, toScopeColumns } from '../scope-columns.js'
import type { ScopeColumns } from '../scope-columns.js'
import { readEmbeddingModel, tagEmbeddingModel } from './embedding-model-meta.js'
import { SqliteConnection } from './sqlite-connection.js'
import { decodeVector, encodeVector } from './vector-blob.js'
import { VectorCache } from './vector-cache.js'
import type { CachedVector, MemoryLifecycle, VectorChanges } from './vector-cache.js'

interface MemoryRow extends ScopeColumns {
  id: string
  text: string
  hash: string
  metadata: string
  created_at: string
  updated_at: string
  observed_at: string
  expires_at: string | null
  memory_type: MemoryType
  mentions: number
}

/** What the vector cache needs of a row besides its scope: the columns the lifecycle filters test. */
interface LifecycleColumns {
  expires_at: string | null
  updated_at: string
  memory_type: MemoryType
}

/**
 * The embedded vector store (the default): memories, their Float32 vectors and an FTS5 keyword
 * index in one SQLite file. Nearest-neighbour search is exact: an in-memory {@link VectorCache}
 * scores every memory the scope can see, then the best are read by seq with the scope and
 * metadata predicates applied in SQL (more are ranked while filters reject some), so the k are
 * always the best k of what the filter admits; the lifecycle filters (type, expiry, age) are
 * applied by the cache too, so that many expired memories never make a search read in batches.
 * The statements are in `sql/vector/`.
 *
 * Deleted text is erased, not merely unlinked: the connection runs with `secure_delete`, the
 * keyword index with FTS5's secure-delete (migration 002), and `deleteScope` truncates the
 * write-ahead log afterwards.
 */
export class SqliteVectorStore implements VectorStore {
  readonly #db: SqliteConnection
  /** The database file's real path (see VectorStore.location). */
  readonly location: string
  readonly #cache = new VectorCache()

  private constructor(db: SqliteConnection) {
    this.location = db.location
    this.#db = db
    db.defineFunction('vector_similarity', this.#cache.similarity)
  }

  /**
   * Opens (or creates) the store at `path`; `:memory:` keeps it in memory. Parent folders are
   * created. The file may be shared with other Engram stores.
   *
   * @throws EngramError STORE_UNAVAILABLE when the file cannot be created or opened.
   */
  static async open(options: { path: string }): Promise<SqliteVectorStore> {
    const store = new SqliteVectorStore(
      SqliteConnection.open({ path: options.path, store: 'vector', label: 'SQLite vector store', statements: Statements.load('sql') }),
    )
    await store.#measureKeywordLengths()
    return store
  }

  /**
   * Stores new memories in one transaction. The first insert fixes the store's vector dimension.
   *
   * @throws EngramError INVALID_CONFIG when a vector's dimension differs from the store's;
   *   INVALID_INPUT for an id that already exists; STORE_UNAVAILABLE.
   */
  async insert(memories: MemoryWrite[]): Promise<void> {
    if (memories.length === 0) return
    await this.#write((changes) => {
      this.#requireDimension(
        memories.map((memory) => memory.vector),
        { record: true },
      )
      const insert = this.#db.statement('vector/insert-memory')
      for (const memory of memories) {
        changes.set.set(Number(insert.run(newMemoryColumns(memory)).lastInsertRowid), cachedVector(memory))
      }
    })
  }

  /**
   * Replaces text, hash, vector, metadata, updatedAt, observedAt, expiresAt and mentions of an
   * existing memory; its scope, createdAt and memoryType stay.
   *
   * @throws EngramError NOT_FOUND if no memory has this id; INVALID_CONFIG on a dimension mismatch.
   */
  async update(memory: MemoryWrite): Promise<void> {
    await this.#write((changes) => {
      this.#requireDimension([memory.vector], { record: false })
      const row = this.#db.statement('vector/update-memory').get({ ...memoryColumns(memory), id: memory.id }) as
        | (ScopeColumns & { seq: number; memory_type: MemoryType })
        | undefined
      if (row === undefined) throw new EngramError('NOT_FOUND', `memory ${memory.id} does not exist`)
      changes.set.set(row.seq, cachedVector({ ...memory, scope: fromScopeColumns(row), memoryType: row.memory_type }))
    })
  }

  /** Deletes memories by id, in one transaction; unknown ids are ignored. */
  async delete(ids: string[]): Promise<void> {
    if (ids.length === 0) return
    await this.#write((changes) => {
      const seqs = this.#db
        .statement('vector/delete-memories')
        .pluck()
        .all({ ids: JSON.stringify(ids) }) as number[]
      for (const seq of seqs) changes.removed.push(seq)
    })
  }

  /** One memory, or `null`. */
  async get(id: string): Promise<StoredMemory | null> {
    return this.#db.run(() => {
      const row = this.#db.statement('vector/select-memory').get({ id }) as MemoryRow | undefined
      return row === undefined ? null : toStoredMemory(row)
    })
  }

  /** The stored memories among these ids, in the order given; unknown ids are left out. */
  async getMany(ids: string[]): Promise<StoredMemory[]> {
    return this.#db.run(() =>
      ids.flatMap((id) => {
        const row = this.#db.statement('vector/select-memory').get({ id }) as MemoryRow | undefined
        return row === undefined ? [] : [toStoredMemory(row)]
      }),
    )
  }

  /** The memories the scope can see that match the filters, newest first. */
  async list(filter: ScopeFilter & { limit: number }): Promise<StoredMemory[]> {
    return this.#db.run(() => {
      const clause = scopeClause(this.#db, filter)
      const rows = this.#db.statement('vector/list-memories', { scope: clause.sql }).all(...clause.params, { limit: filter.limit })
      return (rows as MemoryRow[]).map(toStoredMemory)
    })
  }

  /**
   * Exact k-nearest neighbours by cosine similarity, best first, among the memories the scope and
   * filters admit.
   *
   * @throws EngramError INVALID_CONFIG when the query vector's dimension differs from the store's.
   */
  async nearest(query: NearestQuery): Promise<NearestHit[]> {
    return this.#withQuery(query.vector, () => this.#nearest(query, query.vector, query.limit).map(({ memory, similarity }) => ({ memory, similarity })))
  }

  /**
   * Hybrid search: the vector list and the BM25 keyword list (each the best `candidates`, default
   * `candidatePoolSize(limit)`, of the scope) fused by Reciprocal Rank Fusion, best first. BM25 is
   * computed over the memories the read may return alone (keyword-scoring.ts), FTS5 only finding
   * those that hold a query term. Both lists are read in one transaction, so they see the same
   * data. A query text without letters or digits searches by vector only.
   *
   * @throws EngramError INVALID_CONFIG when the query vector's dimension differs from the store's.
   */
  async search(query: HybridQuery): Promise<HybridHit[]> {
    const candidates = query.candidates ?? candidatePoolSize(query.limit)
    const terms = queryTerms(query.text)
    return this.#withQuery(query.vector, (handle) => {
      const byVector = this.#nearest(query, query.vector, candidates)
      const byKeyword = terms.length === 0 ? [] : this.#keyword(query, handle, terms, candidates)
      return fuseByReciprocalRank(byVector, byKeyword, query.limit)
    })
  }

  /**
   * Deletes every memory the scope can see (the matching of reads) in one transaction, then
   * truncates the write-ahead log so the deleted rows' pages do not linger in the `-wal` file
   * (best effort: another connection busy with the file postpones it to a later checkpoint).
   *
   * @returns the deleted memories.
   * @throws EngramError INVALID_INPUT for an empty scope, which would otherwise delete everything.
   */
  async deleteScope(scope: Scope): Promise<StoredMemory[]> {
    requireScopeForDelete(scope)
    const deleted = await this.#write((changes) => {
      const clause = scopeClause(this.#db, { scope })
      const rows = this.#db.statement('vector/delete-scope', { scope: clause.sql }).all(...clause.params) as Array<MemoryRow & { seq: number }>
      for (const row of rows) changes.removed.push(row.seq)
      return rows.map(toStoredMemory)
    })
    this.#db.truncateWal()
    return deleted
  }

  /** Sets `mentions` of these memories, in one transaction; unknown ids are skipped, nothing else changes. */
  async setMentions(entries: Array<{ id: string; mentions: number }>): Promise<void> {
    if (entries.length === 0) return
    await this.#db.run(() => {
      const set = this.#db.statement('vector/set-mentions')
      for (const { id, mentions } of entries) set.run({ id, mentions })
    }, 'write')
  }

  /**
   * Memories due for deletion, oldest `updatedAt` first: expired at `now`, or updated before
   * `updatedBefore` when given; within the scope's visibility, or every scope without one.
   */
  async expired(query: { scope?: Scope; now: string; updatedBefore?: string; limit: number }): Promise<StoredMemory[]> {
    return this.#db.run(() => {
      const clause = scopeClause(this.#db, { scope: query.scope ?? {} })
      const rows = this.#db
        .statement('vector/expired-memories', { scope: clause.sql })
        .all(...clause.params, { now: query.now, updated_before: query.updatedBefore ?? null, limit: query.limit })
      return (rows as MemoryRow[]).map(toStoredMemory)
    })
  }

  /** The dimension the store was built with, or undefined before its first memory. */
  async embeddingDimension(): Promise<number | undefined> {
    return this.#db.run(() => this.#db.statement('vector/select-dimension').pluck().get() as number | undefined)
  }

  /** Deletes every memory of every scope and forgets the vector dimension, so another embedding model may follow. */
  async reset(): Promise<void> {
    await this.#write((changes) => {
      this.#db.statement('vector/delete-all-memories').run()
      this.#db.statement('vector/forget-dimension').run()
      changes.cleared = true
    })
  }

  /** Closes the database file. */
  async close(): Promise<void> {
    this.#db.close()
  }

  /** The embedding model tag (see {@link EmbeddingModelState}); `reset` keeps it. */
  async embeddingModel(): Promise<EmbeddingModelState> {
    return readEmbeddingModel(this.#db, 'vector')
  }

  /** Records the embedding model tag, in one transaction. */
  async tagEmbeddingModel(state: Pick<EmbeddingModelState, 'model' | 'reembedTo'>): Promise<void> {
    await tagEmbeddingModel(this.#db, 'vector', state)
  }

  /**
   * Runs a read transaction with the vector cache current and `vector` registered as the query
   * of `vector_similarity`, after checking its dimension.
   */
  #withQuery<T>(vector: Vector, work: (query: number) => T): Promise<T> {
    return this.#db.run(() => {
      this.#requireDimension([vector], { record: false })
      this.#cache.refresh(this.#generation(), () => this.#storedVectors())
      return this.#cache.withQuery(vector, work)
    })
  }

  /**
   * Runs a write transaction and brings the vector cache along: `work` records in `changes` what
   * it did to the vectors, and the cache applies it once the transaction has committed.
   */
  async #write<T>(work: (changes: VectorChanges) => T): Promise<T> {
    const changes: VectorChanges = { cleared: false, removed: [], set: new Map() }
    const { result, before, after } = await this.#db.run(() => {
      const before = this.#generation()
      const result = work(changes)
      return { result, before, after: this.#generation() }
    }, 'write')
    this.#cache.commit(before, after, changes)
    return result
  }

  #generation(): number {
    return this.#db.statement('vector/select-generation').pluck().get() as number
  }

  *#storedVectors(): Iterable<[number, CachedVector]> {
    const rows = this.#db.statement('vector/select-vectors').iterate() as Iterable<
      ScopeColumns & LifecycleColumns & { seq: number; keyword_length: number | null; vector: Buffer }
    >
    for (const row of rows) {
      yield [
        row.seq,
        {
          columns: { user_id: row.user_id, agent_id: row.agent_id, run_id: row.run_id },
          vector: decodeVector(row.vector),
          lifecycle: { expiresAt: row.expires_at, updatedAt: row.updated_at, memoryType: row.memory_type },
          // NULL only for a row an older Engram wrote since this store opened; counted on the next open.
          keywordLength: row.keyword_length ?? 0,
        },
      ]
    }
  }

  /**
   * The `limit` memories most similar to `vector` among those the filter admits, best first (ties
   * by seq). Ranked by the cache among the scope's memories that pass the lifecycle filters; the
   * rows are read by seq with every scope, metadata and lifecycle predicate applied. Without metadata filters the first batch is the answer;
   * when filters reject candidates, batches four times larger follow until `limit` pass or the
   * scope has no more.
   */
  #nearest(filter: ScopeFilter, vector: Vector, limit: number): VectorCandidate[] {
    if (limit <= 0) return []
    const clause = scopeClause(this.#db, filter)
    const select = this.#db.statement('vector/select-memories-by-seq', { scope: clause.sql })
    for (let batch = limit; ; batch *= 4) {
      const ranked = this.#cache.best(filter, vector, batch)
      const rows = select.all(...clause.params, { seqs: JSON.stringify(ranked.map((candidate) => candidate.key)) }) as Array<MemoryRow & { seq: number }>
      const bySeq = new Map(rows.map((row) => [row.seq, row]))
      const found = ranked.flatMap(({ key, similarity }) => {
        const row = bySeq.get(key)
        return row === undefined ? [] : [{ memory: toStoredMemory(row), vector: this.#cache.vectorOf(key), similarity }]
      })
      if (found.length >= limit || ranked.length < batch) return found.slice(0, limit)
    }
  }

  /**
   * The `limit` memories the filter admits with the best BM25 scores for the terms, best first
   * (ties by seq), scored with the statistics of the memories the filter's scope, metadata and
   * type admit (expired ones included until pruned) and nothing else.
   * FTS5 finds the memories holding a term; the vector cache tells which the scope and lifecycle
   * filters admit and holds the corpus statistics, so only metadata filters cost rows read.
   */
  #keyword(filter: ScopeFilter, query: number, terms: string[], limit: number): KeywordCandidate[] {
    const matches = this.#db
      .statement('vector/keyword-matches')
      .pluck()
      .all({ match: ftsMatch(terms) }) as number[]
    let admitted = matches.filter(this.#cache.admitter(filter))
    let corpus = this.#cache.keywordCorpus(filter)
    const clause = scopeClause(this.#db, filter)
    if (Object.keys(filter.filters ?? {}).length > 0) {
      admitted = this.#readBySeq(clause, admitted).map((row) => row.seq)
      // Without the time filters, as the cache counts.
      const corpusClause = scopeClause(this.#db, { ...filter, activeAt: undefined, updatedSince: undefined })
      const counted = this.#db.statement('vector/keyword-corpus', { scope: corpusClause.sql }).get(...corpusClause.params) as {
        documents: number
        average_length: number
      }
      corpus = { documents: counted.documents, averageLength: counted.average_length }
    }
    const documents = this.#keywordDocuments(admitted.sort((a, b) => a - b))
    const best = scoreKeywords(terms, documents, corpus).slice(0, limit)
    const bySeq = new Map(
      this.#readBySeq(
        clause,
        best.map(({ key }) => key),
      ).map((row) => [row.seq, row]),
    )
    return best.flatMap(({ key, score, match }) => {
      const row = bySeq.get(key)
      return row === undefined
        ? []
        : [
            {
              memory: toStoredMemory(row),
              vector: this.#cache.vectorOf(key),
              similarity: this.#cache.similarity(key, query),
              keywordScore: score,
              keywordMatch: match,
            },
          ]
    })
  }

  /** The rows of these seqs that the clause admits. */
  #readBySeq(clause: ScopeClause, seqs: number[]): Array<MemoryRow & { seq: number }> {
    return this.#db.statement('vector/select-memories-by-seq', { scope: clause.sql }).all(...clause.params, { seqs: JSON.stringify(seqs) }) as Array<
      MemoryRow & { seq: number }
    >
  }

  /** The keyword terms of these memories, from the cache, reading and tokenizing the texts it lacks. */
  #keywordDocuments(seqs: number[]): Array<KeywordDocument<number>> {
    const documents: Array<KeywordDocument<number>> = []
    const missing: number[] = []
    for (const seq of seqs) {
      const terms = this.#cache.terms(seq)
      if (terms === undefined) missing.push(seq)
      else documents.push({ key: seq, terms })
    }
    if (missing.length === 0) return documents
    const rows = this.#db.statement('vector/select-texts').all({ seqs: JSON.stringify(missing) }) as Array<{ seq: number; text: string }>
    for (const row of rows) {
      const terms = keywordTerms(row.text)
      this.#cache.keepTerms(row.seq, terms)
      documents.push({ key: row.seq, terms })
    }
    // In seq order, which decides ties.
    return documents.sort((a, b) => a.key - b.key)
  }

  /**
   * Records the keyword length of every memory without one (written before the store kept it, or
   * by an older Engram), in pages, each one write transaction.
   */
  async #measureKeywordLengths(): Promise<void> {
    for (;;) {
      const measured = await this.#db.run(() => {
        const rows = this.#db.statement('vector/select-unmeasured').all({ limit: 1000 }) as Array<{ seq: number; text: string }>
        const set = this.#db.statement('vector/set-keyword-length')
        for (const row of rows) set.run({ seq: row.seq, keyword_length: keywordTerms(row.text).length })
        return rows.length
      }, 'write')
      if (measured < 1000) return
    }
  }

  /**
   * Checks vectors against the dimension the store was built with; with `record`, the first
   * write fixes it. Runs inside the caller's transaction.
   */
  #requireDimension(vectors: Vector[], options: { record: boolean }): void {
    const stored = this.#db.statement('vector/select-dimension').pluck().get() as number | undefined
    const expected = stored ?? vectors[0]!.length
    const wrong = vectors.find((vector) => vector.length !== expected)
    if (wrong !== undefined) {
      throw new EngramError(
        'INVALID_CONFIG',
        stored === undefined
          ? `vectors of ${expected} and ${wrong.length} dimensions cannot be stored together; one store holds one embedding model's vectors`
          : `the vector store at ${this.#db.path} holds ${expected}-dimensional vectors but got ${wrong.length}: it was built with another embedding model. ` +
              'Configure that model again, point vectorStore.config.path at a new file, or reset() the store to start over with the new model',
      )
    }
    if (stored === undefined && options.record) this.#db.statement('vector/record-dimension').run({ dimension: expected })
  }

  /**
   * Writes memories exactly as given, replacing those with the same id, in one transaction (the
   * restore of an export). The first write fixes the store's vector dimension.
   *
   * @throws EngramError INVALID_CONFIG when a vector's dimension differs from the store's; STORE_UNAVAILABLE.
   */
  async restore(memories: MemoryWrite[]): Promise<void> {
    if (memories.length === 0) return
    await this.#write((changes) => {
      this.#requireDimension(
        memories.map((memory) => memory.vector),
        { record: true },
      )
      const restore = this.#db.statement('vector/restore-memory').pluck()
      for (const memory of memories) {
        changes.set.set(restore.get(newMemoryColumns(memory)) as number, cachedVector(memory))
      }
    })
  }
}

/** What the cache learns of a written memory; a copy of the vector, as the caller may reuse its array. */
function cachedVector(memory: MemoryWrite): CachedVector {
  const lifecycle: MemoryLifecycle = { expiresAt: memory.expiresAt, updatedAt: memory.updatedAt, memoryType: memory.memoryType }
  const terms = keywordTerms(memory.text)
  return { columns: toScopeColumns(memory.scope), vector: memory.vector.slice(), lifecycle, keywordLength: terms.length, terms }
}

/** The columns an insert and an update both write. */
function memoryColumns(memory: MemoryWrite) {
  return {
    text: memory.text,
    hash: memory.hash,
    metadata: JSON.stringify(memory.metadata),
    updated_at: memory.updatedAt,
    observed_at: memory.observedAt,
    expires_at: memory.expiresAt,
    mentions: memory.mentions,
    keyword_length: keywordTerms(memory.text).length,
    vector: encodeVector(memory.vector),
  }
}

/** Every column of a new row (insert, restore): those an update writes, plus what stays. */
function newMemoryColumns(memory: MemoryWrite) {
  return { ...memoryColumns(memory), ...toScopeColumns(memory.scope), id: memory.id, created_at: memory.createdAt, memory_type: memory.memoryType }
}

function toStoredMemory(row: MemoryRow): StoredMemory {
  return {
    id: row.id,
    text: row.text,
    hash: row.hash,
    metadata: JSON.parse(row.metadata) as Metadata,
    scope: fromScopeColumns(row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    observedAt: row.observed_at,
    expiresAt: row.expires_at,
    memoryType: row.memory_type,
    mentions: row.mentions,
  }
}
