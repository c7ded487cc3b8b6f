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
