/** Seeded randomness, so every run measures the same data and queries. */
import type { Vector } from '../../src/ports.js'

export { seededRandom } from '../../src/seeded-random.js'

/** A random L2-normalised vector, as all-MiniLM-L6-v2 (384-d) would give. */
export function randomUnitVector(random: () => number, dimension = 384): Vector {
  // Sums of uniforms approximate a Gaussian, whose normalised samples are uniform on the sphere.
  const vector = new Float32Array(dimension).map(() => random() + random() + random() - 1.5)
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0))
  return vector.map((value) => value / norm)
}
