import { EngramError } from '../errors.js'
import type { LLM } from '../ports.js'

/** How {@link retrying} and {@link withRetry} retry transient faults. */
export interface RetryPolicy {
  /** Attempts after the first. Default 3. */
  maxRetries?: number
  /** Upper bound of the first wait; it doubles after each failed attempt. Default 500. */
  baseDelayMs?: number
  /** Upper bound of any computed wait. Default 8000. */
  maxDelayMs?: number
  /** Waits between attempts; tests inject one that returns at once. Default: a timer. */
  sleep?: (ms: number) => Promise<void>
}

// The openai SDK's own numbers (0.5 s first wait, 8 s cap). Three retries with full jitter wait at
// most 0.5 + 1 + 2 = 3.5 s (half that on average): enough to ride out a rate-limit window or a
// gateway restart, short enough that an `add` against a provider that is really down fails fast.
const DEFAULT_MAX_RETRIES = 3
const DEFAULT_BASE_DELAY_MS = 500
const DEFAULT_MAX_DELAY_MS = 8000

// A server asking for more than a minute is not having a blip (quota windows, maintenance):
// its error reaches the caller at once instead of a `add` that hangs or hammers it.
const MAX_HONOURED_RETRY_AFTER_MS = 60_000

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs `fn`, retrying it while it throws an {@link EngramError} with `retryable === true`.
 *
 * Waits use exponential backoff with full jitter (a random wait between 0 and
 * `min(maxDelayMs, baseDelayMs * 2^attempt)`), so clients that failed together do not retry
 * together. A `Retry-After` hint the adapter kept on the error's `cause` (its HTTP headers, or a
 * `retryAfterMs` number as LangChain sets it) replaces the computed wait. Any other error, and the
 * last retryable one, is rethrown unchanged.
 */
export async function retrying<T>(fn: () => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  const maxRetries = policy.maxRetries ?? DEFAULT_MAX_RETRIES
  const baseDelayMs = policy.baseDelayMs ?? DEFAULT_BASE_DELAY_MS
  const maxDelayMs = policy.maxDelayMs ?? DEFAULT_MAX_DELAY_MS
  const sleep = policy.sleep ?? wait
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fn()
    } catch (error) {
      if (!(error instanceof EngramError) || !error.retryable || attempt >= maxRetries) throw error
      const hint = retryAfterHint(error.cause)
      if (hint !== undefined && hint > MAX_HONOURED_RETRY_AFTER_MS) throw error
      await sleep(hint ?? Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt))
    }
  }
}

/**
 * Copies just the retry settings out of a larger options object (an embedder's, which also holds
 * credentials), so the adapter keeps a small frozen policy.
 */
export function retryPolicyOf(options: RetryPolicy): Readonly<RetryPolicy> {
  const { maxRetries, baseDelayMs, maxDelayMs, sleep } = options
  return Object.freeze({ maxRetries, baseDelayMs, maxDelayMs, sleep })
}

/**
 * Wraps an LLM so every `chat` goes through {@link retrying}. Adapters never retry themselves
 * (see the `LLM` port), so this one policy applies to every provider alike.
 */
export function withRetry(llm: LLM, policy: RetryPolicy = {}): LLM {
  return { model: llm.model, ...(llm.vision === true ? { vision: true } : {}), chat: (request) => retrying(() => llm.chat(request), policy) }
}

/** HTTP statuses worth retrying: timeout, conflict (OpenAI uses it for lock contention), rate limit, server faults. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500
}

// Node and undici codes for a connection that failed or stalled, which another attempt may fix.
// ENOTFOUND is absent on purpose: a misspelt host does not heal by retrying.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
])

// Timeouts as clients name them: AbortSignal.timeout(), and the openai SDK that LangChain's OpenAI
// models wrap (its errors keep the class name only as the constructor's name).
const TRANSIENT_NAMES = new Set(['TimeoutError', 'APIConnectionError', 'APIConnectionTimeoutError'])

/**
 * Classifies an error from a client Engram has no typed errors for (LangChain models and
 * embeddings): an HTTP status anywhere in the `cause` chain decides; otherwise a network code or a
 * timeout/connection error name means transient.
 */
export function isTransientFault(error: unknown): boolean {
  for (let current = error, depth = 0; isRecord(current) && depth < 5; current = current.cause, depth += 1) {
    const response = isRecord(current.response) ? current.response : {}
    const status = [current.status, current.statusCode, response.status].find((value) => typeof value === 'number')
    if (typeof status === 'number') return isTransientStatus(status)
    if (typeof current.code === 'string' && NETWORK_CODES.has(current.code)) return true
    const names = [current.name, (current.constructor as { name?: unknown } | undefined)?.name]
    if (names.some((name) => typeof name === 'string' && TRANSIENT_NAMES.has(name))) return true
  }
  return false
}

/** Milliseconds the server asked us to wait, read from the original error kept as `cause`. */
function retryAfterHint(cause: unknown): number | undefined {
  if (!isRecord(cause)) return undefined
  if (typeof cause.retryAfterMs === 'number' && cause.retryAfterMs >= 0) return cause.retryAfterMs
  const headers = cause.headers
  const header = (name: string): string | undefined => {
    const value = headers instanceof Headers ? headers.get(name) : isRecord(headers) ? headers[name] : undefined
    return typeof value === 'string' && value.trim() !== '' ? value : undefined
  }
  // `retry-after-ms` is OpenAI's millisecond variant; `retry-after` is seconds or an HTTP date.
  const milliseconds = Number(header('retry-after-ms'))
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds
  const retryAfter = header('retry-after')
  if (retryAfter === undefined) return undefined
  const seconds = Number(retryAfter)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(retryAfter)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}
