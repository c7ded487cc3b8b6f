import { EngramError } from '../../errors.js'

/** Which server and database a failing call went to, so messages can name them. */
export interface Neo4jTarget {
  readonly url: string
  readonly database: string | undefined
}

// How Neo4j 5 words a vector whose length differs from the index's or from another vector's.
const DIMENSION_MISMATCH = /vector has \d+ dimensions, but indexed vectors have \d+|vectors do not have the same number of dimensions/i

// Driver codes of a server that is down, unreachable or went away mid-session.
const UNREACHABLE_CODES = new Set(['ServiceUnavailable', 'SessionExpired'])

/**
 * The error for embeddings of another dimension than the stored ones: another embedding model
 * built the graph. `detail` says which dimensions met.
 */
export function dimensionMismatch(detail: string, target: Neo4jTarget, cause?: unknown): EngramError {
  return new EngramError(
    'INVALID_CONFIG',
    `the Neo4j graph at ${describe(target)} ${detail}: it was built with another embedding model. ` +
      'Configure that model again, or reset() the graph store to start over with the new model',
    cause === undefined ? {} : { cause },
  )
}

/**
 * Translates anything neo4j-driver throws into an {@link EngramError}: an unreachable server or
 * an expired session is `STORE_UNAVAILABLE` (retryable) with the command that starts one;
 * refused credentials and a missing database are `STORE_UNAVAILABLE` saying which setting to
 * check; a vector of another dimension is `INVALID_CONFIG`; anything else is `STORE_UNAVAILABLE`,
 * retryable when the driver says so (deadlocks and other transient errors it did not retry
 * itself). The driver's error stays the `cause`.
 */
export function translateNeo4jError(error: unknown, target: Neo4jTarget): EngramError {
  if (error instanceof EngramError) return error
  const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : ''
  const detail = error instanceof Error ? error.message : String(error)
  const fail = (message: string, retryable = false) => new EngramError('STORE_UNAVAILABLE', message, { retryable, cause: error })
  if (DIMENSION_MISMATCH.test(detail)) return dimensionMismatch(`holds embeddings of another dimension (${detail})`, target, error)
  if (UNREACHABLE_CODES.has(code)) {
    return fail(
      `Neo4j at ${target.url} is not reachable (${detail}). Start a local one with \`npx engram services up\`, ` +
        'or point graphStore.config.url (NEO4J_URI) at a running server',
      true,
    )
  }
  if (code.startsWith('Neo.ClientError.Security.')) {
    return fail(`Neo4j at ${target.url} refused the credentials (${detail}); check graphStore.config.username and password (NEO4J_USERNAME, NEO4J_PASSWORD)`)
  }
  if (code === 'Neo.ClientError.Database.DatabaseNotFound') {
    return fail(
      `Neo4j at ${target.url} has no database ${target.database ?? '(default)'}; create it, or leave graphStore.config.database out to use the default one`,
    )
  }
  const retryable = (error as { retriable?: unknown }).retriable === true
  return fail(`Neo4j at ${describe(target)} failed: ${detail}`, retryable)
}

function describe(target: Neo4jTarget): string {
  return target.database === undefined ? target.url : `${target.url} (database ${target.database})`
}
