import { createGraphStore, createHistoryStore, createJournal, createVectorStore } from './adapters/registry.js'
import type { ResolvedConfig } from './config/resolve.js'
import type { GraphStore, HistoryStore, Journal, VectorStore } from './ports.js'
import { storeLocations } from './store-binding.js'

interface Closable {
  close(): Promise<void>
}

/**
 * What a caller opened from its config, closed together: after a failure part-way, so that
 * nothing opened leaks a file handle or a connection, or when the work that needed it is done.
 * Adapters the caller was given are not among them: they stay their owner's to close.
 */
export class OpenedPorts {
  readonly #ports: Closable[] = []

  /** `given` when there is one (`null` too: no such port), else what `make` opens, kept to close. */
  async open<T extends Closable | null>(given: T | undefined, make: () => Promise<T>): Promise<T> {
    if (given !== undefined) return given
    const port = await make()
    if (port !== null) this.#ports.push(port)
    return port
  }

  /** Closes every port opened; one that fails to close does not keep the others open. */
  async closeAll(): Promise<void> {
    await Promise.allSettled(this.#ports.map((port) => port.close()))
  }
}

/** Stores to use instead of those the config names, as `Memory.create` takes them (`graphStore: null`: no graph store). */
export interface GivenStores {
  vectorStore?: VectorStore
  graphStore?: GraphStore | null
  historyStore?: HistoryStore
  journal?: Journal
}

/** The stores of a config, and where they are. */
export interface ConfigStores {
  vectorStore: VectorStore
  graph: GraphStore | null
  history: HistoryStore | null
  journal: Journal
  /** What the state kept beside the stores is bound to (see store-binding.ts). */
  locations: string[]
}

/**
 * Opens the stores of a config, `given` ones aside, into `opened`: the vector store, the graph
 * store, then `check` on those two, then history and the journal. A store `check` refuses opens
 * nothing beside it.
 */
export async function openStores(
  config: ResolvedConfig,
  given: GivenStores,
  opened: OpenedPorts,
  check: (vectorStore: VectorStore, graph: GraphStore | null) => Promise<void> = async () => undefined,
): Promise<ConfigStores> {
  const vectorStore = await opened.open(given.vectorStore, () => createVectorStore(config.vectorStore))
  const graph = await opened.open(given.graphStore, () => createGraphStore(config.graphStore))
  await check(vectorStore, graph)
  const history = await opened.open(given.historyStore, () => createHistoryStore(config.history))
  // What is kept beside the stores is bound to them, history's location included, so that no
  // instance with other stores sees it.
  const locations = storeLocations({ vectorStore, graph, history })
  const journal = await opened.open(given.journal, () => createJournal(config.journal, locations))
  return { vectorStore, graph, history, journal, locations }
}
