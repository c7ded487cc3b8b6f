import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai'
import { EngramError } from '../../errors.js'
import { isTransientStatus } from '../../llm/retry.js'

/** The failing call, so the message names what a person should check. */
export interface OpenAICallContext {
  /** `LLM_UNAVAILABLE` for chat, `EMBEDDER_UNAVAILABLE` for embeddings. */
  code: 'LLM_UNAVAILABLE' | 'EMBEDDER_UNAVAILABLE'
  model: string
  baseURL: string
  timeoutMs: number
}

/**
 * Translates an error of the openai client into an {@link EngramError}, shared by
 * `OpenAILLM` and `OpenAIEmbedder` so both classify faults alike.
 *
 * Connection errors, timeouts and HTTP 408/409/429/5xx are retryable; credentials (401/403), an
 * unknown model (404), an exhausted quota and other 4xx are not. The client's error stays the
 * `cause`, so `llm/retry.ts` can honour its `Retry-After` headers.
 */
export function translateOpenAIError(error: unknown, context: OpenAICallContext): EngramError {
  const { code, model, baseURL, timeoutMs } = context
  const fail = (message: string, retryable: boolean): EngramError => new EngramError(code, message, { retryable, cause: error })

  if (error instanceof APIUserAbortError) return fail(`The request to ${baseURL} was aborted.`, false)
  if (error instanceof APIConnectionTimeoutError) {
    return fail(`${baseURL} did not answer within ${timeoutMs} ms (model ${model}).`, true)
  }
  if (error instanceof APIConnectionError) {
    return fail(`Could not reach ${baseURL}: ${rootMessage(error)}. Check baseURL (or OPENAI_BASE_URL) and that the server is up.`, true)
  }
  if (!(error instanceof APIError) || error.status === undefined) {
    return fail(`The openai client failed before reaching ${baseURL}: ${rootMessage(error)}`, false)
  }
  const status = error.status
  // APIError's message is "<status> <the server's message>".
  const answer = `HTTP ${error.message}`
  if (status === 401 || status === 403) {
    return fail(
      `${baseURL} refused the credentials (${answer}). Check the API key (config apiKey or OPENAI_API_KEY) and that baseURL (or OPENAI_BASE_URL) is the server the key belongs to.`,
      false,
    )
  }
  if (status === 404) {
    return fail(
      `Model "${model}" was not found on ${baseURL} (${answer}). Check the model name, and that baseURL points at an OpenAI-compatible API (usually ending in /v1).`,
      false,
    )
  }
  // OpenAI reports an exhausted quota as a 429 too, but waiting does not refill it.
  if (status === 429 && error.code === 'insufficient_quota') {
    return fail(`${baseURL} reports the account's quota is exhausted (${answer}). Check the plan and billing.`, false)
  }
  return fail(`${baseURL} answered ${answer} (model ${model}).`, isTransientStatus(status))
}

/** The innermost message, where Node puts the useful part ("connect ECONNREFUSED 127.0.0.1:1"). */
function rootMessage(error: unknown): string {
  let current = error
  while (current instanceof Error && current.cause instanceof Error) current = current.cause
  return current instanceof Error ? current.message : String(error)
}
