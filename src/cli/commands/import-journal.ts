import { createHash } from 'node:crypto'
import { closeSync, openSync, readFileSync, realpathSync, writeSync } from 'node:fs'
import { storeBinding } from '../../store-binding.js'

/**
 * The progress record of an import: which lines it started and which it finished, by line hash,
 * for which stores (their binding; absent in records written before progress was bound to stores).
 */
interface JournalEntry {
  line: string
  state: 'started' | 'done'
  stores?: string
}

/** A line's identity in the journal and in the `import_line` metadata: the first 32 hex digits of its SHA-256. */
export function lineHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32)
}

/**
 * The sidecar file `<input>.progress` that makes an import resumable: one JSON line per event,
 * `{"line": hash, "state": "started" | "done"}`, appended with a synchronous write as it happens,
 * so a killed import leaves every finished line recorded. A torn last line (the process died
 * mid-write) is ignored. Deleting the file makes the next import start over. Each event names the
 * stores it was for: importing the same file into an instance with other stores starts over there.
 */
export class ImportJournal {
  readonly path: string
  readonly #fd: number
  readonly #stores: string
  readonly #done = new Set<string>()
  readonly #started = new Set<string>()

  private constructor(path: string, storeLocations: readonly string[]) {
    this.path = path
    this.#fd = openSync(path, 'a')
    this.#stores = storeBinding(storeLocations, realpathSync(path))
    for (const text of readFileSync(path, 'utf8').split('\n')) {
      const entry = parseEntry(text)
      if (entry === undefined || (entry.stores !== undefined && entry.stores !== this.#stores)) continue
      ;(entry.state === 'done' ? this.#done : this.#started).add(entry.line)
    }
  }

  /** Opens (or creates) the journal of the import file at `inputPath`, for the stores at `storeLocations` (`Memory.storeLocations`). */
  static open(inputPath: string, storeLocations: readonly string[]): ImportJournal {
    return new ImportJournal(`${inputPath}.progress`, storeLocations)
  }

  /** A previous run finished this line. */
  isDone(hash: string): boolean {
    return this.#done.has(hash)
  }

  /** A previous run started this line and did not record it finished: it may or may not have been stored. */
  wasInterrupted(hash: string): boolean {
    return this.#started.has(hash) && !this.#done.has(hash)
  }

  started(hashes: readonly string[]): void {
    this.#append(hashes, 'started')
  }

  done(hashes: readonly string[]): void {
    for (const hash of hashes) this.#done.add(hash)
    this.#append(hashes, 'done')
  }

  close(): void {
    closeSync(this.#fd)
  }

  #append(hashes: readonly string[], state: JournalEntry['state']): void {
    if (hashes.length === 0) return
    writeSync(this.#fd, hashes.map((line) => `${JSON.stringify({ line, state, stores: this.#stores })}\n`).join(''))
  }
}

function parseEntry(text: string): JournalEntry | undefined {
  try {
    const entry = JSON.parse(text) as Partial<JournalEntry>
    const known =
      typeof entry.line === 'string' &&
      (entry.state === 'started' || entry.state === 'done') &&
      (entry.stores === undefined || typeof entry.stores === 'string')
    return known ? (entry as JournalEntry) : undefined
  } catch {
    return undefined
  }
}
