import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { createEmbedder } from './adapters/registry.js'
import { compareStrings } from './compare-strings.js'
import { readEnv } from './config/env.js'
import { resolveConfig } from './config/resolve.js'
import type { EngramConfig } from './config/schema.js'
import { storedModel, taggedStores, type TaggedStore } from './embedding-model.js'
import { EngramError } from './errors.js'
import { OpenedPorts, openStores } from './open-stores.js'
import type { Embedder, EmbeddingModelState, GraphStore, Journal, StoredEntity, StoredMemory, VectorStore } from './ports.js'

// The most memories, and entities, one reembed reads at once (as an export does): Weaviate
// refuses larger pages. A store holding more is refused rather than moved in part.
const REEMBED_LIMIT = 100_000
const DEFAULT_BATCH_SIZE = 64
/** Beside the other files of the data dir: which texts already hold the new model's vectors. */
const PROGRESS_FILE = 'reembed-progress.jsonl'

/** How far a reembed got, reported after each batch. */
export interface ReembedProgress {
  store: 'vector store' | 'graph store'
  /** Texts of this store embedded with the new model so far, this run and runs before it. */
  done: number
  total: number
}

/** Options of {@link reembed}. */
export interface ReembedOptions {
  onProgress?: (progress: ReembedProgress) => void
  /** Texts embedded and written per batch (a store write each); default 64. */
  batchSize?: number
}

/** The adapters a reembed uses instead of those the config names (as `Memory.create` takes them). */
export interface ReembedAdapters {
  embedder?: Embedder
  vectorStore?: VectorStore
  graphStore?: GraphStore | null
  journal?: Journal
}

/** What {@link reembed} did. */
export interface ReembedReport {
  /** The model the stores hold now (`Embedder.model`). */
  model: string
  /** Memories and entity names embedded with it by this run. */
  memories: number
  entities: number
  /** Texts an earlier, interrupted run had already moved, so this one did not embed them again. */
  resumed: number
}

/**
 * Moves the stores of a config to its embedding model: every memory and every entity name is
 * embedded again with it and written back in place, in batches, then the stores are tagged with it.
 *
 * Crash-safe and resumable: the stores are first marked as moving, so that no Memory uses them
 * until the move is done (their vectors are of two models meanwhile); each batch is one store
 * write, and then noted in `reembed-progress.jsonl` in the data dir. After a kill, running
 * `reembed` again with the same model finishes the move without embedding the noted texts again,
 * and running it with the model the stores came from moves them back. Stop other processes using
 * the stores first: a process that opened them before would go on writing the old model's vectors.
 *
 * @throws EngramError INVALID_CONFIG when an interrupted add waits for recovery (open the stores
 *   once with their model first), when the new model's vectors have another dimension (export and
 *   import into a new data dir instead), or when a store holds more than 100,000 memories or entities.
 */
export async function reembed(config?: EngramConfig, options: ReembedOptions = {}, adapters: ReembedAdapters = {}): Promise<ReembedReport> {
  const resolved = resolveConfig(config, readEnv())
  const opened = new OpenedPorts()
  try {
    // History is always the config's: a reembed writes none, but the journal is bound to its location.
    const given = { vectorStore: adapters.vectorStore, graphStore: adapters.graphStore, journal: adapters.journal }
    const { vectorStore, graph, journal } = await openStores(resolved, given, opened)
    const waiting = (await journal.unfinished()).length
    if (waiting > 0) {
      throw new EngramError(
        'INVALID_CONFIG',
        `${waiting} interrupted add(s) wait for recovery, with vectors of the stores' current model: open the stores once with that model (any engram command) so that they complete, then reembed`,
      )
    }
    const embedder = await opened.open(adapters.embedder, () => createEmbedder(resolved.embedder))
    const stores = await Promise.all(taggedStores(vectorStore, graph).map(async (tagged) => ({ ...tagged, state: await tagged.store.embeddingModel() })))
    const moving = stores.filter(({ state }) => !holdsOnly(state, embedder.model))
    const log = new ProgressLog(join(resolved.dataDir, PROGRESS_FILE), embedder.model)
    try {
      const move = new Move(embedder, log, options)
      if (moving.length > 0) await move.requireDimension(moving)
      // Marked first: from here on no Memory uses a store whose vectors are of two models.
      for (const { store, state } of moving) await store.tagEmbeddingModel({ model: storedModel(state), reembedTo: embedder.model })
      for (const { store } of moving) {
        if (store === vectorStore) await move.memories(vectorStore)
        else if (store === graph) await move.entities(graph)
      }
      for (const { store } of moving) await store.tagEmbeddingModel({ model: embedder.model, reembedTo: null })
      log.finish()
      return { model: embedder.model, ...move.counts }
    } finally {
      log.close()
    }
  } finally {
    await opened.closeAll()
  }
}

/** Nothing to move: every vector is of `model`, or there is none and no tag to change. */
function holdsOnly(state: EmbeddingModelState, model: string): boolean {
  return state.reembedTo === null && (storedModel(state) === model || (state.model === null && state.dimension === null))
}

/** The texts of one move, embedded and written batch by batch. */
class Move {
  readonly counts = { memories: 0, entities: 0, resumed: 0 }
  readonly log: ProgressLog
  readonly #embedder: Embedder
  readonly #onProgress: (progress: ReembedProgress) => void
  readonly #batchSize: number

  constructor(embedder: Embedder, log: ProgressLog, options: ReembedOptions) {
    this.#embedder = embedder
    this.log = log
    this.#onProgress = options.onProgress ?? (() => undefined)
    this.#batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  }

  /** Vectors are replaced in place, so the new model must give vectors of the stored dimension. */
  async requireDimension(stores: ReadonlyArray<TaggedStore & { state: EmbeddingModelState }>): Promise<void> {
    const [probe] = await this.#embedder.embed(['dimension'], 'document')
    for (const { label, state } of stores) {
      const stored = state.dimension
      if (stored === null || stored === probe!.length) continue
      throw new EngramError(
        'INVALID_CONFIG',
        `${this.#embedder.model} gives ${probe!.length}-dimensional vectors and the ${label} holds ${stored}-dimensional ones, which cannot be replaced in place: ` +
          'export each scope (`engram export`) and import it into a new data dir configured with the new model',
      )
    }
  }

  async memories(store: VectorStore): Promise<void> {
    const all = requireWithinLimit(await store.list({ scope: {}, limit: REEMBED_LIMIT }), 'memories')
    await this.#inBatches(
      'vector store',
      all,
      (memory) => memory.text,
      async (batch, vectors) => {
        await store.restore(batch.map((memory, index) => ({ ...memory, vector: vectors[index]! })))
        this.counts.memories += batch.length
      },
    )
  }

  async entities(graph: GraphStore): Promise<void> {
    const all = requireWithinLimit(await graph.entities({ scope: {}, limit: REEMBED_LIMIT }), 'entities')
    await this.#inBatches(
      'graph store',
      all,
      (entity) => entity.name,
      async (batch, vectors) => {
        await graph.restore({ entities: batch.map((entity, index) => ({ ...entity, vector: vectors[index]! })), relations: [] })
        this.counts.entities += batch.length
      },
    )
  }

  async #inBatches<T extends StoredMemory | StoredEntity>(
    store: ReembedProgress['store'],
    items: T[],
    textOf: (item: T) => string,
    write: (batch: T[], vectors: Float32Array[]) => Promise<void>,
  ): Promise<void> {
    const moved = this.log.moved(store)
    const pending = items.filter((item) => !moved.has(item.id)).sort((a, b) => compareStrings(a.id, b.id))
    this.counts.resumed += items.length - pending.length
    let done = items.length - pending.length
    for (let start = 0; start < pending.length; start += this.#batchSize) {
      const batch = pending.slice(start, start + this.#batchSize)
      await write(batch, await this.#embedder.embed(batch.map(textOf), 'document'))
      // Noted after the write: a kill between the two only makes the next run embed the batch again.
      this.log.note(
        store,
        batch.map((item) => item.id),
      )
      done += batch.length
      this.#onProgress({ store, done, total: items.length })
    }
  }
}

function requireWithinLimit<T>(items: T[], kind: string): T[] {
  if (items.length >= REEMBED_LIMIT) {
    throw new EngramError(
      'INVALID_CONFIG',
      `the store holds ${REEMBED_LIMIT} or more ${kind}, more than one reembed reads; export the scopes and import them into a new data dir with the new model`,
    )
  }
  return items
}

/**
 * `reembed-progress.jsonl`: a first line naming the model the move goes to, then one line per
 * written batch with its store and ids, each synced to disk. A log of a move to another model is
 * started afresh; a line cut short by a kill is ignored (its batch is embedded again).
 */
class ProgressLog {
  readonly #path: string
  readonly #moved = new Map<string, Set<string>>()
  readonly #fd: number
  #closed = false

  constructor(path: string, model: string) {
    this.#path = path
    const lines = readLines(path)
    const header = parseLine(lines[0] ?? '') as { model?: unknown } | undefined
    if (header?.model === model) {
      for (const line of lines.slice(1)) {
        const entry = parseLine(line) as { store?: string; ids?: string[] } | undefined
        if (entry?.store === undefined || !Array.isArray(entry.ids)) continue
        const moved = this.#moved.get(entry.store) ?? new Set()
        for (const id of entry.ids) moved.add(id)
        this.#moved.set(entry.store, moved)
      }
      this.#fd = openSync(path, 'a')
      // A line cut short by a kill is ended, so the next one starts on a line of its own.
      writeSync(this.#fd, '\n')
    } else {
      this.#fd = openSync(path, 'w')
      this.#append({ model })
    }
  }

  moved(store: string): ReadonlySet<string> {
    return this.#moved.get(store) ?? new Set()
  }

  note(store: string, ids: string[]): void {
    this.#append({ store, ids })
  }

  /** Closes the log (kept, for a later run to resume from); closing twice is harmless. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    closeSync(this.#fd)
  }

  /** Closes and deletes the log, once every store is tagged with the new model: nothing is left to resume. */
  finish(): void {
    this.close()
    rmSync(this.#path, { force: true })
  }

  #append(entry: object): void {
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`)
    fsyncSync(this.#fd)
  }
}

function readLines(path: string): string[] {
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
    : []
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line)
  } catch {
    return undefined
  }
}
