import type { ZodError } from 'zod'

/** Stable error codes. A new code is a contract change and gets a changelog note. */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'INVALID_CONFIG',
  'LLM_UNAVAILABLE',
  'LLM_BAD_OUTPUT',
  'EMBEDDER_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'NOT_FOUND',
] as const

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number]

/** Options of {@link EngramError}: the standard `cause`, plus whether retrying the same call may succeed. */
export interface EngramErrorOptions extends ErrorOptions {
  /** True for transient faults (HTTP 429/5xx, timeouts, dropped connections). Default `false`. */
  retryable?: boolean
}

/**
 * The only error type that crosses Engram's public boundary.
 *
 * `code` is stable and meant for programs; `message` says what a person can do about it;
 * the original error, when there was one, is kept as `cause`.
 */
export class EngramError extends Error {
  override readonly name = 'EngramError'
  readonly retryable: boolean

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: EngramErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.retryable = options.retryable ?? false
  }
}

/** Renders zod issues as one line per problem, each prefixed with the path that failed. */
export function describeZodError(error: ZodError, root = ''): string {
  return error.issues
    .map((issue) => {
      const path = [root, ...issue.path.map(String)].filter((part) => part !== '').join('.')
      return path === '' ? issue.message : `${path}: ${issue.message}`
    })
    .join('; ')
}

/** Wraps anything thrown by a store driver as STORE_UNAVAILABLE unless it already is an EngramError. */
export function asStoreError(store: string, error: unknown): EngramError {
  if (error instanceof EngramError) return error
  const detail = error instanceof Error ? error.message : String(error)
  return new EngramError('STORE_UNAVAILABLE', `${store} failed: ${detail}`, { cause: error })
}
