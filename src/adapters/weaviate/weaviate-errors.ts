import { EngramError } from '../../errors.js'

/** Which server and collection a failing call went to, so messages can name them. */
export interface WeaviateCallContext {
  readonly url: string
  readonly collection: string
}

// How Weaviate 1.39 words a vector whose length differs from the index's: on writes
// ("vector dimensions do not match the index dimensions") and on searches ("vector lengths don't match").
const DIMENSION_MISMATCH = /vector dimensions do not match|vector lengths don't match/

// A server that is down or unreachable, as the HTTP (fetch) and gRPC transports report it.
const UNREACHABLE = /fetch failed|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|UNAVAILABLE|No connection established/

/**
 * The error for vectors of another dimension than the collection's: another embedding model
 * built it. `detail` says which dimensions met.
 */
export function dimensionMismatch(detail: string, context: WeaviateCallContext, cause?: unknown): EngramError {
  return new EngramError(
    'INVALID_CONFIG',
    `the Weaviate collection ${context.collection} at ${context.url} ${detail}: it was built with another embedding model. ` +
      'Configure that model again, point vectorStore.config.collection at a new collection, or reset() the store to start over with the new model',
    cause === undefined ? {} : { cause },
  )
}

/**
 * Translates anything weaviate-client throws into an {@link EngramError}: an unreachable server
 * is `STORE_UNAVAILABLE` (retryable) with the command that starts one; a vector of another
 * dimension is `INVALID_CONFIG`; refused credentials and other failures are `STORE_UNAVAILABLE`,
 * retryable for timeouts and HTTP 5xx. The client's error stays the `cause`.
 */
export function translateWeaviateError(error: unknown, context: WeaviateCallContext): EngramError {
  if (error instanceof EngramError) return error
  const detail = chainedMessage(error)
  if (DIMENSION_MISMATCH.test(detail)) return dimensionMismatch(`holds vectors of another dimension (${detail})`, context, error)
  if (isNamed(error, 'WeaviateStartUpError', 'WeaviateRequestTimeoutError') || UNREACHABLE.test(detail)) {
    return new EngramError(
      'STORE_UNAVAILABLE',
      `Weaviate at ${context.url} is not reachable (${detail}). Start a local one with \`npx engram services up\`, ` +
        'or point vectorStore.config.url (WEAVIATE_URL) and grpcPort at a running server',
      { retryable: true, cause: error },
    )
  }
  if (isNamed(error, 'WeaviateUnauthenticatedError', 'WeaviateInsufficientPermissionsError')) {
    return new EngramError('STORE_UNAVAILABLE', `Weaviate at ${context.url} refused the credentials (${detail}); check vectorStore.config.apiKey`, {
      cause: error,
    })
  }
  const transient = (statusCode(error) ?? 0) >= 500
  return new EngramError('STORE_UNAVAILABLE', `Weaviate at ${context.url} failed on collection ${context.collection}: ${detail}`, {
    retryable: transient,
    cause: error,
  })
}

/** The HTTP status of a failed REST call (`WeaviateUnexpectedStatusCodeError`), if that is what `error` is. */
export function statusCode(error: unknown): number | undefined {
  return isNamed(error, 'WeaviateUnexpectedStatusCodeError') ? (error as Error & { code: number }).code : undefined
}

// weaviate-client does not export its error classes, so `instanceof` cannot tell them apart;
// each sets `name` to its class name.
function isNamed(error: unknown, ...names: string[]): boolean {
  return error instanceof Error && names.includes(error.name)
}

/** The message followed by its causes' messages, where Node puts the useful part ("connect ECONNREFUSED …"). */
function chainedMessage(error: unknown): string {
  const messages: string[] = []
  let current = error
  while (current instanceof Error) {
    messages.push(current.message)
    current = current.cause
  }
  return messages.length === 0 ? String(error) : messages.join(': ')
}
