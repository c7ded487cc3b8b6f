import { dimensionMismatch, dot } from '../vector-math.js'
import { decodeVector } from './vector-blob.js'

/**
 * A SQL function over two vector BLOBs (vector-blob.ts): their dot product, which is the cosine
 * similarity since every stored and query vector is L2-normalised. Pure, so any connection may
 * register it, e.g. `blob_similarity(e.embedding, :vector)`.
 *
 * @throws EngramError INVALID_CONFIG when the dimensions differ: the rows were embedded by another model.
 */
export function blobSimilarity(stored: Buffer, query: Buffer): number {
  if (stored.byteLength !== query.byteLength) throw dimensionMismatch(stored.byteLength / 4, query.byteLength / 4)
  return dot(decodeVector(stored), decodeVector(query))
}
