import { EngramError } from '../../errors.js'
import type { Vector } from '../../ports.js'
import { decodeVector } from './vector-blob.js'

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

/**
 * A SQL function over two vector BLOBs (vector-blob.ts): their dot product, which is the cosine
 * similarity since every stored and query vector is L2-normalised. Pure, so any connection may
 * register it, e.g. `blob_similarity(e.embedding, :vector)`.
 *
 * @throws EngramError INVALID_CONFIG when the dimensions differ: the rows were embedded by another model.
 */
export function blobSimilarity(stored: Buffer, query: Buffer): number {
  if (stored.byteLength !== query.byteLength) {
    throw new EngramError(
      'INVALID_CONFIG',
      `cannot compare ${stored.byteLength / 4}- and ${query.byteLength / 4}-dimensional vectors: the store was built with another embedding model; configure that model again or reset() the store`,
    )
  }
  return dot(decodeVector(stored), decodeVector(query))
}
