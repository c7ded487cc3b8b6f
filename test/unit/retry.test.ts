import { afterEach, describe, expect, it, vi } from 'vitest'
import { EngramError } from '../../src/errors.js'
import { isTransientFault, isTransientStatus, retrying, withRetry } from '../../src/llm/retry.js'
import type { ChatRequest, ChatResponse, LLM } from '../../src/ports.js'

const transient = (cause?: unknown) => new EngramError('LLM_UNAVAILABLE', 'HTTP 503', { retryable: true, cause })
const permanent = () => new EngramError('LLM_UNAVAILABLE', 'HTTP 401', { retryable: false })

/** Fails with the given errors in turn, then answers `ok`. */
function failing(errors: unknown[]): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0
  return {
    fn: async () => {
      calls += 1
      const error = errors.shift()
      if (error !== undefined) throw error
      return 'ok'
    },
    calls: () => calls,
  }
}

function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = []
  return { waits, sleep: async (ms) => void waits.push(ms) }
}

afterEach(() => vi.restoreAllMocks())

describe('retrying', () => {
  it('retries retryable errors until the call succeeds', async () => {
    const { fn, calls } = failing([transient(), transient()])
    const { sleep, waits } = recordingSleep()
    await expect(retrying(fn, { sleep })).resolves.toBe('ok')
    expect(calls()).toBe(3)
    expect(waits).toHaveLength(2)
  })

  it('doubles the backoff window after each attempt, up to maxDelayMs', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const { fn } = failing(Array.from({ length: 6 }, () => transient()))
    const { sleep, waits } = recordingSleep()
    await retrying(fn, { maxRetries: 6, sleep })
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 8000])
  })

  it('draws each wait uniformly below the window (full jitter)', async () => {
    const { sleep, waits } = recordingSleep()
    for (let run = 0; run < 50; run += 1) {
      const { fn } = failing([transient(), transient(), transient()])
      await retrying(fn, { baseDelayMs: 100, maxDelayMs: 300, sleep })
    }
    const windows = [100, 200, 300]
    waits.forEach((wait, index) => {
      expect(wait).toBeGreaterThanOrEqual(0)
      expect(wait).toBeLessThanOrEqual(windows[index % 3]!)
    })
    expect(new Set(waits).size).toBeGreaterThan(100) // random, not a fixed schedule
  })

  it('does not retry a non-retryable EngramError, nor any other error', async () => {
    for (const error of [permanent(), new Error('bug')]) {
      const { fn, calls } = failing([error])
      const { sleep, waits } = recordingSleep()
      await expect(retrying(fn, { sleep })).rejects.toBe(error)
      expect(calls()).toBe(1)
      expect(waits).toEqual([])
    }
  })

  it('gives up after maxRetries + 1 attempts with the last error', async () => {
    const errors = [transient(), transient(), transient()]
    const last = errors[2]
    const { fn, calls } = failing(errors)
    await expect(retrying(fn, { maxRetries: 2, sleep: async () => {} })).rejects.toBe(last)
    expect(calls()).toBe(3)
  })

  it('honours a Retry-After hint kept on the cause', async () => {
    const { fn } = failing([
      transient({ headers: new Headers({ 'retry-after': '2' }) }),
      transient({ headers: new Headers({ 'retry-after-ms': '250' }) }),
      transient({ retryAfterMs: 1500 }),
      transient({ headers: { 'retry-after': '0' } }),
    ])
    const { sleep, waits } = recordingSleep()
    await retrying(fn, { maxRetries: 4, sleep })
    expect(waits).toEqual([2000, 250, 1500, 0])
  })

  it('fails at once when the server asks for more than a minute', async () => {
    const { fn, calls } = failing([transient({ headers: new Headers({ 'retry-after': '3600' }) })])
    const { sleep, waits } = recordingSleep()
    await expect(retrying(fn, { sleep })).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE' })
    expect(calls()).toBe(1)
    expect(waits).toEqual([])
  })
})

describe('withRetry', () => {
  it('keeps the model name and retries chat', async () => {
    const answer: ChatResponse = { toolCalls: [], text: 'hi' }
    const requests: ChatRequest[] = []
    const errors = [transient()]
    const llm: LLM = {
      model: 'flaky',
      chat: async (request) => {
        requests.push(request)
        const error = errors.shift()
        if (error) throw error
        return answer
      },
    }
    const request: ChatRequest = { messages: [], tools: [], toolChoice: { type: 'required' } }
    const retried = withRetry(llm, { sleep: async () => {} })
    expect(retried.model).toBe('flaky')
    await expect(retried.chat(request)).resolves.toBe(answer)
    expect(requests).toEqual([request, request])
  })
})

describe('fault classification', () => {
  it('treats 408, 409, 429 and 5xx as transient', () => {
    expect([408, 409, 429, 500, 503].map(isTransientStatus)).toEqual([true, true, true, true, true])
    expect([400, 401, 403, 404, 422].map(isTransientStatus)).toEqual([false, false, false, false, false])
  })

  it('reads statuses, network codes and timeout names along the cause chain', () => {
    expect(isTransientFault(Object.assign(new Error('rate'), { status: 429 }))).toBe(true)
    expect(isTransientFault({ response: { status: 502 } })).toBe(true)
    expect(isTransientFault(Object.assign(new Error('bad'), { statusCode: 400 }))).toBe(false)
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    expect(isTransientFault(new Error('fetch failed', { cause: refused }))).toBe(true)
    expect(isTransientFault(new DOMException('timed out', 'TimeoutError'))).toBe(true)
    expect(isTransientFault(Object.assign(new Error('no host'), { code: 'ENOTFOUND' }))).toBe(false)
    expect(isTransientFault(new Error('bug'))).toBe(false)
  })
})
