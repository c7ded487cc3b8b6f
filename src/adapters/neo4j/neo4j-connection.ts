import neo4j from 'neo4j-driver'
import type { Driver, ManagedTransaction, QueryResult, Session } from 'neo4j-driver'
import { EngramError } from '../../errors.js'
import type { Scope } from '../../input.js'
import { Statements } from '../../statements.js'
import { translateNeo4jError } from './neo4j-errors.js'
import type { Neo4jTarget } from './neo4j-errors.js'
import { plainValue } from './neo4j-values.js'

const CONNECT_TIMEOUT_MS = 5_000
const RETRY_WINDOW_MS = 10_000

/** Default time limit of each read transaction Engram runs on Neo4j, in milliseconds. */
const DEFAULT_READ_TIMEOUT_MS = 30_000
/** Default time limit of one `memory.graph.cypher()` query, in milliseconds. */
const DEFAULT_CYPHER_TIMEOUT_MS = 5_000

/** The time limits of a connection's reads, in milliseconds. */
export interface ReadTimeouts {
  /** Each read transaction of Engram's own statements. Default {@link DEFAULT_READ_TIMEOUT_MS}. */
  readTimeoutMs?: number
  /** A caller's `memory.graph.cypher()` query: its parse when confined, then its transaction. Default {@link DEFAULT_CYPHER_TIMEOUT_MS}. */
  cypherTimeoutMs?: number
}

/** A read's time limit and the setting that holds it, which the error names when it is hit. */
interface TimeLimit {
  /** What ran, as the error tells it. */
  readonly what: string
  readonly ms: number
  readonly setting: string
  readonly code: 'INVALID_INPUT' | 'STORE_UNAVAILABLE'
}

/** Fills for the `{{slot}}` markers of a statement: text that code vouches for, never a value. */
export type Slots = Readonly<Record<string, string>>

/** Runs statements of `cypher/` by name inside one transaction. */
export interface CypherRunner {
  /** The rows of one statement, as plain objects keyed by the RETURN names. */
  rows<Row>(name: string, params?: Record<string, unknown>, slots?: Slots): Promise<Row[]>
}

// The fragment for each scope id below cypher/where/, each over an entity bound to `e`.
const SCOPE_FRAGMENTS = [
  ['userId', 'where/user-id'],
  ['agentId', 'where/agent-id'],
  ['runId', 'where/run-id'],
] as const

/**
 * One driver for one Neo4j database, and the statements of `cypher/`. Every call runs in a
 * session of its own and turns driver errors into EngramErrors (neo4j-errors.ts). Integers come
 * back as JavaScript numbers (`disableLosslessIntegers`): the graph's counts stay far below 2^53.
 */
export class Neo4jConnection {
  readonly target: Neo4jTarget
  readonly #driver: Driver
  readonly #statements: Statements
  readonly #readLimit: TimeLimit
  readonly #cypherLimit: TimeLimit

  private constructor(driver: Driver, target: Neo4jTarget, statements: Statements, timeouts: ReadTimeouts) {
    this.#driver = driver
    this.target = target
    this.#statements = statements
    this.#readLimit = {
      what: 'a Neo4j read',
      ms: timeouts.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
      setting: 'graphStore.config.readTimeoutMs',
      code: 'STORE_UNAVAILABLE',
    }
    this.#cypherLimit = {
      what: 'the memory.graph.cypher() query',
      ms: timeouts.cypherTimeoutMs ?? DEFAULT_CYPHER_TIMEOUT_MS,
      setting: 'graphStore.config.cypherTimeoutMs',
      code: 'INVALID_INPUT',
    }
  }

  /** How long one `memory.graph.cypher()` query may take, in milliseconds: its parse, then its transaction. */
  get cypherTimeoutMs(): number {
    return this.#cypherLimit.ms
  }

  /**
   * Connects and checks that the server answers. Without `username`, `neo4j` is sent, which a
   * server without authentication accepts like any other name.
   *
   * @throws EngramError STORE_UNAVAILABLE when the server cannot be reached or refuses the credentials.
   */
  static async open(options: { url: string; username?: string; password?: string; database?: string } & ReadTimeouts): Promise<Neo4jConnection> {
    const target = { url: options.url, database: options.database }
    const statements = Statements.load('cypher')
    let driver: Driver
    try {
      driver = neo4j.driver(options.url, neo4j.auth.basic(options.username ?? 'neo4j', options.password ?? ''), {
        disableLosslessIntegers: true,
        userAgent: 'engram',
        // Fail an add's graph stage within seconds when Neo4j is unreachable, rather than after
        // the driver's defaults (30 s of retries, 60 s to get a connection): the journal keeps
        // what was not written, and Memory.recover() settles it once Neo4j is back.
        connectionTimeout: CONNECT_TIMEOUT_MS,
        connectionAcquisitionTimeout: CONNECT_TIMEOUT_MS * 2,
        maxTransactionRetryTime: RETRY_WINDOW_MS,
      })
    } catch (error) {
      // A malformed URL throws here, before any connection.
      throw translateNeo4jError(error, target)
    }
    const connection = new Neo4jConnection(driver, target, statements, options)
    try {
      await driver.verifyConnectivity(options.database === undefined ? {} : { database: options.database })
    } catch (error) {
      await driver.close()
      throw translateNeo4jError(error, target)
    }
    return connection
  }

  /** Runs `work` in a read transaction (retried by the driver on transient faults), within `readTimeoutMs`. */
  read<T>(work: (runner: CypherRunner) => Promise<T>): Promise<T> {
    const limit = this.#readLimit
    return this.#session('READ', (session) => session.executeRead((tx) => work(this.#runner(tx)), { timeout: limit.ms }), limit)
  }

  /**
   * The rows of one read statement, run in an auto-commit transaction: one round trip, where a
   * managed read transaction takes two (its commit). A failure the driver calls retriable (a
   * dropped connection, say) is run once more as a managed read, which the driver retries.
   */
  async readRows<Row>(name: string, params: Record<string, unknown> = {}, slots: Slots = {}): Promise<Row[]> {
    try {
      const limit = this.#readLimit
      return await this.#session('READ', async (session) => rowsOf<Row>(await session.run(this.#text(name, slots), params, { timeout: limit.ms })), limit)
    } catch (error) {
      if (!(error instanceof EngramError && error.retryable)) throw error
      return this.read((runner) => runner.rows<Row>(name, params, slots))
    }
  }

  /**
   * Runs a caller's Cypher in a read transaction, where Neo4j itself refuses every write, within
   * `cypherTimeoutMs`.
   *
   * @throws EngramError INVALID_INPUT for a write, a syntax error, another client error, or a
   *   query that outlasts `cypherTimeoutMs` (the message names the setting).
   */
  async readOnly(query: string, params: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
    const limit = this.#cypherLimit
    try {
      const result = await this.#session('READ', (session) => session.executeRead((tx) => tx.run(query, params), { timeout: limit.ms }), limit)
      return result.records.map((record) => plainValue(record.toObject()) as Record<string, unknown>)
    } catch (error) {
      // The time limit's own error, already worded; every other driver error is STORE_UNAVAILABLE here.
      if (error instanceof EngramError && error.code === limit.code) throw error
      const cause = (error as { cause?: { code?: string } }).cause
      if (typeof cause?.code === 'string' && cause.code.startsWith('Neo.ClientError.')) {
        const refused = cause.code === 'Neo.ClientError.Statement.AccessMode' ? 'memory.graph.cypher() is read-only: ' : ''
        throw new EngramError('INVALID_INPUT', `${refused}${(cause as unknown as Error).message}`, { cause })
      }
      throw error
    }
  }

  /** Runs `work` in one write transaction: all or nothing; retried by the driver on transient faults (deadlocks). */
  write<T>(work: (runner: CypherRunner) => Promise<T>): Promise<T> {
    return this.#session('WRITE', (session) => session.executeWrite((tx) => work(this.#runner(tx))))
  }

  /**
   * Like {@link write}, but `work` may decide to undo its writes: when it answers `keep: false`,
   * the transaction rolls back and its `value` is returned all the same, with `kept: false`.
   */
  async writeOrUndo<T>(work: (runner: CypherRunner) => Promise<{ keep: boolean; value: T }>): Promise<{ kept: boolean; value: T }> {
    let undone: { value: T } | undefined
    try {
      const value = await this.write(async (runner) => {
        undone = undefined
        const answer = await work(runner)
        if (answer.keep) return answer.value
        undone = { value: answer.value }
        // Throwing is how a managed transaction is rolled back; the driver does not retry it.
        throw new Error('undone on purpose')
      })
      return { kept: true, value }
    } catch (error) {
      if (undone !== undefined) return { kept: false, value: undone.value }
      throw error
    }
  }

  /**
   * Runs one statement in an auto-commit transaction: schema changes, and `CALL … IN
   * TRANSACTIONS`, which an explicit transaction cannot run.
   */
  autoCommit<Row>(name: string, params: Record<string, unknown> = {}): Promise<Row[]> {
    return this.#session('WRITE', async (session) => rowsOf<Row>(await session.run(this.#text(name), params)))
  }

  /**
   * The `{{scope}}` fill for a read by visibility: the where/*.cypher fragment of each id the
   * scope has; the statement's `$user_id`, `$agent_id`, `$run_id` parameters supply the ids.
   */
  scopeSlot(scope: Scope): string {
    return SCOPE_FRAGMENTS.filter(([field]) => scope[field] !== undefined)
      .flatMap(([, name]) => withoutComments(this.#statements.get(name)))
      .join('\n')
  }

  async close(): Promise<void> {
    await this.#driver.close()
  }

  #runner(tx: ManagedTransaction): CypherRunner {
    return {
      rows: async <Row>(name: string, params: Record<string, unknown> = {}, slots: Slots = {}) => rowsOf<Row>(await tx.run(this.#text(name, slots), params)),
    }
  }

  /** Runs `work` in a session of its own; `limit` is the time limit `work` gave its transactions. */
  async #session<T>(mode: 'READ' | 'WRITE', work: (session: Session) => Promise<T>, limit?: TimeLimit): Promise<T> {
    const session = this.#driver.session({ defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE, database: this.target.database })
    try {
      return await work(session)
    } catch (error) {
      if (limit !== undefined && timedOut(error)) {
        throw new EngramError(limit.code, `${limit.what} ran longer than ${limit.setting} (${limit.ms} ms) and was stopped`, { cause: error })
      }
      throw translateNeo4jError(error, this.target)
    } finally {
      await session.close()
    }
  }

  /**
   * The statement's text with its slots filled. The header and other whole-line comments stay in
   * the files for readers; the server gets one line naming the file instead, which is what its
   * query log then shows, and a few hundred bytes less per call.
   */
  #text(name: string, slots: Slots = {}): string {
    const lines = withoutComments(this.#statements.get(name)).map((line) =>
      line.replace(/\{\{(\w+)\}\}/g, (marker, slot: string) => {
        const fill = slots[slot]
        if (fill === undefined) throw new Error(`cypher/${name}: no fill for ${marker}`)
        return fill
      }),
    )
    return [`// engram cypher/${name}`, ...lines].join('\n')
  }
}

/** Whether Neo4j stopped a transaction at the time limit the driver gave it. */
function timedOut(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('Neo.') && code.includes('TransactionTimedOut')
}

function withoutComments(text: string): string[] {
  return text.split('\n').filter((line) => !line.trimStart().startsWith('//'))
}

function rowsOf<Row>(result: QueryResult): Row[] {
  return result.records.map((record) => record.toObject() as Row)
}
