import { createHash } from 'node:crypto'
import { dirname, isAbsolute, relative } from 'node:path'
import type { GraphStore, HistoryStore, VectorStore } from './ports.js'

/**
 * The fingerprint of the stores an instance writes to, as a file it keeps beside them (journal,
 * conversation context, read audit, import progress) stamps it on every row, so that an instance
 * reads, recovers and erases only what was written for its own stores, whoever else shares the
 * file. `locations` are the stores' (VectorStore.location); a file location counts relative to
 * the folder of `statePath` (the real path of the file that keeps the rows), so that moving a
 * folder that holds both keeps the binding.
 */
export function storeBinding(locations: readonly string[], statePath: string): string {
  const folder = dirname(statePath)
  const seen = locations.map((location) => (isAbsolute(location) ? relative(folder, location) : location))
  return createHash('sha256').update(JSON.stringify(seen)).digest('hex').slice(0, 32)
}

/** The locations of an instance's stores, in a fixed order: what its state beside them is bound to. */
export function storeLocations(stores: { vectorStore: VectorStore; graph: GraphStore | null; history: HistoryStore | null }): string[] {
  return [stores.vectorStore.location, stores.graph?.location ?? 'no graph store', stores.history?.location ?? 'no history']
}
