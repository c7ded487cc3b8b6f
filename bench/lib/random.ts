/** Seeded randomness, so every run measures the same data and queries. */
import type { Vector } from '../../src/ports.js'

/** mulberry32: a small, fast generator of uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A random L2-normalised vector, as all-MiniLM-L6-v2 (384-d) would give. */
export function randomUnitVector(random: () => number, dimension = 384): Vector {
  // Sums of uniforms approximate a Gaussian, whose normalised samples are uniform on the sphere.
  const vector = new Float32Array(dimension).map(() => random() + random() + random() - 1.5)
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0))
  return vector.map((value) => value / norm)
}
