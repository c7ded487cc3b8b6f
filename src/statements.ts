import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EngramError } from './errors.js'

/** The package root: one level above both `src/` (tests) and `dist/` (the built package). */
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * The query texts of one language, read from `sql/` or `cypher/` at start-up so that users can read
 * every statement Engram runs. Code asks for a statement by its path without extension
 * (`vector/insert-memory`); values always travel as parameters, never spliced into the text.
 */
export class Statements {
  readonly #texts: ReadonlyMap<string, string>

  private constructor(
    readonly folder: string,
    texts: Map<string, string>,
  ) {
    this.#texts = texts
  }

  /** Reads every statement file below `<package>/<folder>` (e.g. `sql`, ending `.sql`). */
  static load(folder: 'sql' | 'cypher'): Statements {
    const root = join(packageRoot, folder)
    const texts = new Map<string, string>()
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (entry.name.endsWith(`.${folder}`)) {
          const name = relative(root, path)
            .slice(0, -(folder.length + 1))
            .split(sep)
            .join('/')
          texts.set(name, readFileSync(path, 'utf8'))
        }
      }
    }
    try {
      walk(root)
    } catch (error) {
      throw new EngramError('INVALID_CONFIG', `cannot read Engram's ${folder}/ statements at ${root}; is the package installed completely?`, { cause: error })
    }
    return new Statements(folder, texts)
  }

  /** The text of one statement; a missing one is a packaging fault and fails start-up. */
  get(name: string): string {
    const text = this.#texts.get(name)
    if (text === undefined) {
      throw new EngramError('INVALID_CONFIG', `statement ${this.folder}/${name} is missing from the installed package`)
    }
    return text
  }

  /** Names below a prefix, sorted (used for ordered migrations). */
  namesUnder(prefix: string): string[] {
    return [...this.#texts.keys()].filter((name) => name.startsWith(`${prefix}/`)).sort()
  }
}
