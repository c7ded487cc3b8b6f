/** Marks a free slot: bucket keys are non-negative integers (entity-buckets.ts). */
const FREE = -1
/** Slots per stored key at most twice over, so a probe that finds nothing stops after a slot or two. */
const MAX_LOAD = 0.5
/** 768 bytes: a process may hold a table for each of many small scopes. */
const MIN_SLOTS = 64

/**
 * One exact scope's entity hash buckets (entity-buckets.ts) in memory: which entities are stored
 * under each bucket key, for the SQLite store's entity resolution. Why not in the file: a lookup
 * probes 680 buckets per name, and 680 B-tree seeks cost ~2–4 ms at 10,000 entities and grew with
 * the file (cache misses), where 680 probes of this table cost tens of microseconds, flat
 * (bench/search-latency.ts, entity resolution).
 *
 * An open-addressing multimap in two typed arrays (key, owner), linear probing: a key stored for
 * several entities occupies several slots of one run. ~12 bytes per slot, two slots per stored
 * key: 40 keys per entity make ~1 KB per entity. Entities are only added: the owner (entity-cache.ts)
 * drops the whole table when entities are deleted or restored.
 */
export class BucketTable {
  #keys: Float64Array
  /** `owners[slot]` indexes `#ids`. */
  #owners: Int32Array
  /** 32 − log2(slots): the home slot is the top bits of the mixed key. */
  #shift: number
  #used = 0
  readonly #ids: string[] = []
  /** Entities without buckets (written before the index, not yet filled in): candidates of every lookup. */
  readonly #unbucketed: string[] = []

  constructor(expectedKeys = 0) {
    let slots = MIN_SLOTS
    while (slots * MAX_LOAD < expectedKeys) slots *= 2
    this.#keys = new Float64Array(slots).fill(FREE)
    this.#owners = new Int32Array(slots)
    this.#shift = 32 - Math.log2(slots)
  }

  /** Records an entity under its bucket keys; `null` for an entity that has none yet. */
  add(id: string, keys: readonly number[] | null): void {
    if (keys === null) {
      this.#unbucketed.push(id)
      return
    }
    const owner = this.#ids.push(id) - 1
    if (this.#used + keys.length > this.#keys.length * MAX_LOAD) this.#grow(this.#used + keys.length)
    for (const key of keys) this.#insert(key, owner)
  }

  /** The ids of the entities stored under any of these keys, each once, and every entity without buckets. */
  candidates(probes: readonly number[]): string[] {
    const found = new Set<number>()
    const keys = this.#keys
    const owners = this.#owners
    const last = keys.length - 1
    for (const key of probes) {
      for (let slot = slotOf(key, this.#shift); keys[slot] !== FREE; slot = (slot + 1) & last) {
        if (keys[slot] === key) found.add(owners[slot]!)
      }
    }
    return [...this.#unbucketed, ...Array.from(found, (owner) => this.#ids[owner]!)]
  }

  #insert(key: number, owner: number): void {
    const last = this.#keys.length - 1
    let slot = slotOf(key, this.#shift)
    while (this.#keys[slot] !== FREE) slot = (slot + 1) & last
    this.#keys[slot] = key
    this.#owners[slot] = owner
    this.#used++
  }

  #grow(needed: number): void {
    const keys = this.#keys
    const owners = this.#owners
    let slots = keys.length * 2
    while (slots * MAX_LOAD < needed) slots *= 2
    this.#keys = new Float64Array(slots).fill(FREE)
    this.#owners = new Int32Array(slots)
    this.#shift = 32 - Math.log2(slots)
    this.#used = 0
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] !== FREE) this.#insert(keys[slot]!, owners[slot]!)
  }
}

/**
 * The home slot of a key. Keys are below 2^53 and differ mostly in their low 22 bits (table and
 * code), so the high and low 32-bit halves are mixed, multiplied by 2^32 over the golden ratio and
 * the top bits kept (Fibonacci hashing), which spreads neighbouring codes over the table.
 */
function slotOf(key: number, shift: number): number {
  const high = Math.floor(key / 2 ** 32)
  const low = key - high * 2 ** 32
  return Math.imul((low ^ high) >>> 0, 0x9e3779b1) >>> shift
}
