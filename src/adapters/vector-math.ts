import { EngramError } from '../errors.js'
import type { Vector } from '../ports.js'

/**
 * Scales `values` to unit length, as the `Embedder` port promises, so a dot product is the cosine
 * similarity. Providers differ (OpenAI normalises, many LangChain embeddings do not), so every
 * remote embedder normalises rather than trusting the server. A zero vector stays zero.
 */
export function normalizeVector(values: ArrayLike<number>): Vector {
  let sumOfSquares = 0
  for (let index = 0; index < values.length; index += 1) sumOfSquares += (values[index] ?? 0) ** 2
  const norm = Math.sqrt(sumOfSquares)
  const vector = Float32Array.from(values)
  return norm === 0 ? vector : vector.map((value) => value / norm)
}

/** Four running sums instead of one: independent additions pipeline, ~30% faster at 384-d (measured). */
export function dot(x: Vector, y: Vector): number {
  let a = 0
  let b = 0
  let c = 0
  let d = 0
  const whole = x.length - (x.length % 4)
  let i = 0
  for (; i < whole; i += 4) {
    a += x[i]! * y[i]!
    b += x[i + 1]! * y[i + 1]!
    c += x[i + 2]! * y[i + 2]!
    d += x[i + 3]! * y[i + 3]!
  }
  for (; i < x.length; i++) a += x[i]! * y[i]!
  return a + b + c + d
}

/** The error of comparing a stored vector with a query of another dimension. */
export function dimensionMismatch(stored: number, query: number): EngramError {
  return new EngramError(
    'INVALID_CONFIG',
    `cannot compare ${stored}- and ${query}-dimensional vectors: the store was built with another embedding model; configure that model again or reset() the store`,
  )
}
