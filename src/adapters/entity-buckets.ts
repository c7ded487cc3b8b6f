import { createHash } from 'node:crypto'
import type { Vector } from '../ports.js'
import { dot } from './vector-math.js'
import { seededRandom } from '../seeded-random.js'

/*
 * The graph stores' index for entity resolution (similarEntities; the SQLite store keeps each
 * entity's keys in its file and looks them up in memory, sqlite/bucket-table.ts; the Neo4j store's
 * entity mirror keeps them in memory for large scopes): random-hyperplane
 * locality-sensitive hashing. Each of TABLES hash tables reads BITS sign bits of the name
 * embedding, one per random hyperplane; two vectors at angle θ agree on a bit with probability
 * 1 − θ/π. An entity is stored under one bucket per table; a query probes, per table, its own
 * bucket and the BITS buckets one bit away (multi-probe), and the entities found there are ranked
 * by exact cosine. So the work per query is TABLES × (BITS + 1) index probes plus the candidates
 * (about TABLES × (BITS + 1) / 2^BITS ≈ 1% of a scope of unrelated names), not the whole scope.
 *
 * Recall: an entity at similarity s is missed only if, in every table, more than one bit differs:
 * probability (1 − P(s))^TABLES with P(s) = p^BITS + BITS·p^(BITS−1)·(1 − p), p = 1 − acos(s)/π.
 * At s = 0.85 (the lowest default graph.entityThreshold) that is 1.5e-4, at 0.9 about 4e-7, and the best
 * match is at least as similar as the threshold. A miss leaves a second node where a merge was due,
 * the benign error (a false merge cannot come from the index: candidates are scored exactly).
 * Thresholds at which the miss probability exceeds MAX_MISS_PROBABILITY (below about 0.83) scan the
 * scope instead. test/integration/entity-index.test.ts checks the index against the scan.
 */

const TABLES = 40
const BITS = 16
/** Largest chance of missing a match at the threshold for which the index is used instead of a scan. */
const MAX_MISS_PROBABILITY = 1e-3
/** Fixed, so that planes are reproducible; the planes themselves are stored (entity_hash_planes). */
const PLANES_SEED = 0x5eed_e17

/** Chance that an entity at `similarity` shares no probed bucket with the query. */
export function missProbability(similarity: number): number {
  const p = 1 - Math.acos(Math.max(-1, Math.min(1, similarity))) / Math.PI
  const perTable = p ** BITS + BITS * p ** (BITS - 1) * (1 - p)
  return (1 - perTable) ** TABLES
}

/** Whether a similarity search at this threshold may use the buckets instead of scanning the scope. */
export function usesBuckets(minSimilarity: number): boolean {
  return missProbability(minSimilarity) <= MAX_MISS_PROBABILITY
}

/** The planes of one dimension (as stored) cut into one view per plane, table by table. */
export function splitPlanes(planes: Float32Array, dimension: number): Vector[] {
  return Array.from({ length: planes.length / dimension }, (_, index) => planes.subarray(index * dimension, (index + 1) * dimension))
}

/** TABLES × BITS random hyperplanes (standard normal entries) for one dimension, seeded. */
export function generatePlanes(dimension: number): Float32Array {
  const planes = new Float32Array(TABLES * BITS * dimension)
  const uniform = seededRandom(PLANES_SEED)
  for (let index = 0; index < planes.length; index++) {
    // Box–Muller; 1 − u keeps the logarithm finite.
    planes[index] = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform())
  }
  return planes
}

/**
 * Bucket keys of one exact scope and dimension: scope hash × 2^22 + table × 2^16 + code, below
 * 2^53 so JavaScript numbers and SQLite integers hold them exactly. Scopes whose 31-bit hashes
 * collide only share candidates, which the query's scope_key test drops.
 */
export class EntityBuckets {
  readonly #planes: readonly Vector[]
  readonly #scopeBase: number

  /** `planes`: splitPlanes of the stored planes of the vectors' dimension. */
  constructor(planes: readonly Vector[], scopeKey: string) {
    this.#planes = planes
    const dimension = planes[0]!.length
    const digest = createHash('sha256').update(`${scopeKey}\u0000${dimension}`).digest()
    this.#scopeBase = (digest.readUInt32BE(0) >>> 1) * 2 ** 22
  }

  /** The bucket a vector is stored under in each table. */
  stored(vector: Vector): number[] {
    return this.#codes(vector).map((code, table) => this.#key(table, code))
  }

  /** The buckets a query probes: per table its own and the BITS one bit away. */
  probes(vector: Vector): number[] {
    const keys: number[] = []
    this.#codes(vector).forEach((code, table) => {
      keys.push(this.#key(table, code))
      for (let bit = 0; bit < BITS; bit++) keys.push(this.#key(table, code ^ (1 << bit)))
    })
    return keys
  }

  #key(table: number, code: number): number {
    return this.#scopeBase + table * 2 ** BITS + code
  }

  /** Per table, the vector's BITS sign bits as one integer. */
  #codes(vector: Vector): number[] {
    return Array.from({ length: TABLES }, (_, table) => {
      let code = 0
      for (let bit = 0; bit < BITS; bit++) if (dot(this.#planes[table * BITS + bit]!, vector) >= 0) code |= 1 << bit
      return code
    })
  }
}
