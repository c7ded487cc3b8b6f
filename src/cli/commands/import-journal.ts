import { createHash } from 'node:crypto'
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ResolvedConfig } from '../../config/resolve.js'

/** The progress record of an import: which lines it started and which it finished, by line hash. */
interface JournalEntry {
  line: string
  state: 'started' | 'done'
}

/** A line's identity in the journal and in the `import_line` metadata: the first 32 hex digits of its SHA-256. */
export function lineHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32)
}

/**
 * The stores an import writes to, as a short hash of where they are: SQLite files by absolute
 * path, Weaviate by URL and collection, Neo4j by URL and database. The same file imported into
 * other stores is another import, with its own progress.
 */
export function targetFingerprint(config: Pick<ResolvedConfig, 'vectorStore' | 'graphStore' | 'history'>): string {
  const { vectorStore, graphStore, history } = config
  const stores = [
    vectorStore.provider === 'sqlite' ? `sqlite:${resolve(vectorStore.path)}` : `weaviate:${vectorStore.url}#${vectorStore.collection ?? ''}`,
    graphStore.provider === 'sqlite'
      ? `sqlite:${resolve(graphStore.path)}`
      : graphStore.provider === 'neo4j'
        ? `neo4j:${graphStore.url}#${graphStore.database ?? ''}`
        : 'none',
    history.disabled ? 'none' : `sqlite:${resolve(history.path)}`,
  ]
  return createHash('sha256').update(JSON.stringify(stores), 'utf8').digest('hex').slice(0, 12)
}

/**
 * The sidecar file `<input>.<target>.progress` that makes an import resumable into one set of
 * target stores ({@link targetFingerprint}): one JSON line per event,
 * `{"line": hash, "state": "started" | "done"}`, appended with a synchronous write as it happens,
 * so a killed import leaves every finished line recorded. A torn last line (the process died
 * mid-write) is ignored. Deleting the file makes the next import start over.
 */
export class ImportJournal {
  readonly path: string
  readonly #fd: number
  readonly #done = new Set<string>()
  readonly #started = new Set<string>()

  private constructor(path: string) {
    this.path = path
    if (existsSync(path)) {
      for (const text of readFileSync(path, 'utf8').split('\n')) {
        const entry = parseEntry(text)
        if (entry !== undefined) (entry.state === 'done' ? this.#done : this.#started).add(entry.line)
      }
    }
    this.#fd = openSync(path, 'a')
  }

  /** Opens (or creates) the journal of importing the file at `inputPath` into the stores `target` names. */
  static open(inputPath: string, target: string): ImportJournal {
    return new ImportJournal(`${inputPath}.${target}.progress`)
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
    writeSync(this.#fd, hashes.map((line) => `${JSON.stringify({ line, state })}\n`).join(''))
  }
}

function parseEntry(text: string): JournalEntry | undefined {
  try {
    const entry = JSON.parse(text) as Partial<JournalEntry>
    return typeof entry.line === 'string' && (entry.state === 'started' || entry.state === 'done') ? (entry as JournalEntry) : undefined
  } catch {
    return undefined
  }
}
