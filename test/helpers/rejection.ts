import { expect } from 'vitest'
import { EngramError } from '../../src/errors.js'

/** The EngramError a promise rejects with; fails the test if it resolves or rejects otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<EngramError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(EngramError)
  return error as EngramError
}
