import { sameScope, type Scope } from '../input.js'
import type { Vector } from '../ports.js'
import { fromScopeColumns, type ScopeColumns } from './scope-columns.js'
import { dimensionMismatch, dot } from './vector-math.js'

/** One exact scope's vectors, packed one after another in a single Float32Array. */
interface Group<K> {
  readonly columns: ScopeColumns
  readonly dimension: number
  readonly keys: K[]
  /** `views[i]` is the slice of `slab` holding `keys[i]`'s vector. */
  views: Vector[]
  slab: Float32Array
}

/** A key's place: its group and its position there. */
interface Slot<K> {
  group: Group<K>
  position: number
}

/** A key and its vector's similarity to a query. */
export interface Scored<K> {
  key: K
  similarity: number
}

/**
 * Vectors by key, grouped by exact scope, each group one contiguous Float32Array, so that a search
 * scores only the groups its scope can see, walking memory in order. Why: scoring inside SQLite
 * costs a JavaScript function call and a row (with its 1.5 KB BLOB) per candidate; scoring here
 * costs the dot product alone (bench/search-latency.ts, see sqlite-vector-store.ts).
 *
 * Holds no truth of its own: its owners fill it from their store (SQLite, Neo4j) and drop or
 * update it when the store changed under them. Similarities are `dot` of vector-math.ts, so they equal those the SQL functions compute.
 */
export class ScopedVectors<K extends string | number> {
  readonly #groups = new Map<string, Group<K>>()
  readonly #slots = new Map<K, Slot<K>>()

  get size(): number {
    return this.#slots.size
  }

  /** Stores or replaces the vector of `key`, in the group of `columns` (a copy: callers may reuse theirs). */
  set(key: K, columns: ScopeColumns, vector: Vector): void {
    const slot = this.#slots.get(key)
    if (slot !== undefined && sameColumns(slot.group.columns, columns) && slot.group.dimension === vector.length) {
      slot.group.views[slot.position]!.set(vector)
      return
    }
    if (slot !== undefined) this.delete(key)
    const group = this.#group(columns, vector.length)
    const position = group.keys.length
    if ((position + 1) * vector.length > group.slab.length) grow(group)
    const view = group.slab.subarray(position * vector.length, (position + 1) * vector.length)
    view.set(vector)
    group.keys.push(key)
    group.views.push(view)
    this.#slots.set(key, { group, position })
  }

  /** Forgets `key`; the group's last vector moves into its place, keeping the group packed. */
  delete(key: K): void {
    const slot = this.#slots.get(key)
    if (slot === undefined) return
    this.#slots.delete(key)
    const { group, position } = slot
    const last = group.keys.length - 1
    if (position !== last) {
      const movedKey = group.keys[last]!
      group.views[position]!.set(group.views[last]!)
      group.keys[position] = movedKey
      this.#slots.get(movedKey)!.position = position
    }
    group.keys.pop()
    group.views.pop()
  }

  clear(): void {
    this.#groups.clear()
    this.#slots.clear()
  }

  /** The stored vector of `key` (a view: valid until the next change). */
  get(key: K): Vector | undefined {
    const slot = this.#slots.get(key)
    return slot?.group.views[slot.position]
  }

  /** The scope columns `key` is stored under. */
  columnsOf(key: K): ScopeColumns | undefined {
    return this.#slots.get(key)?.group.columns
  }

  /** Calls `visit` with every key the scope can see (exactly that scope's with `exact`), without scoring. */
  forEachKey(scope: Scope, visit: (key: K) => void, exact = false): void {
    for (const group of this.#groups.values()) if (ScopedVectors.matches(group.columns, scope, exact)) for (const key of group.keys) visit(key)
  }

  /** Whether `columns` are visible to the scope (exactly the scope's with `exact`). */
  static matches(columns: ScopeColumns, scope: Scope, exact: boolean): boolean {
    return exact ? isExactly(columns, scope) : isVisible(columns, scope)
  }

  /**
   * Calls `visit` with every key the scope can see (ports.ts ScopeFilter) and its similarity to
   * `query`; with `exact`, only the keys of exactly that scope (an absent id matches only an absent id).
   *
   * @throws EngramError INVALID_CONFIG when a visible vector's dimension differs from the query's.
   */
  forEachVisible(scope: Scope, query: Vector, visit: (key: K, similarity: number) => void, exact = false): void {
    for (const group of this.#groups.values()) {
      if (!ScopedVectors.matches(group.columns, scope, exact) || group.keys.length === 0) continue
      if (group.dimension !== query.length) throw dimensionMismatch(group.dimension, query.length)
      const { keys, views } = group
      for (let position = 0; position < keys.length; position++) visit(keys[position]!, dot(views[position]!, query))
    }
  }

  /**
   * The `count` keys the scope can see, and `admits` (when given) lets through, whose vectors are
   * most similar to `query`, best first; ties by key, ascending (the `ORDER BY similarity DESC,
   * seq` of the SQL it replaces). `admits` is asked only about keys that would enter the top, so
   * a costly test runs a few times per search rather than once per vector. `exact` as for
   * {@link forEachVisible}.
   */
  best(scope: Scope, query: Vector, count: number, admits?: (key: K) => boolean, exact = false): Array<Scored<K>> {
    const top: Array<Scored<K>> = []
    if (count <= 0) return top
    this.forEachVisible(
      scope,
      query,
      (key, similarity) => {
        if (top.length === count && !ranksBefore(similarity, key, top[count - 1]!)) return
        if (admits !== undefined && !admits(key)) return
        // Insertion into a short sorted list: count is a few dozen, and most candidates never get here.
        let at = top.length === count ? count - 1 : top.length
        while (at > 0 && ranksBefore(similarity, key, top[at - 1]!)) {
          top[at] = top[at - 1]!
          at--
        }
        top[at] = { key, similarity }
      },
      exact,
    )
    return top
  }

  #group(columns: ScopeColumns, dimension: number): Group<K> {
    // Keyed by dimension too: rows embedded by another model cannot share a slab (and fail a search).
    const name = JSON.stringify([columns.user_id, columns.agent_id, columns.run_id, dimension])
    let group = this.#groups.get(name)
    if (group === undefined) {
      group = { columns: { ...columns }, dimension, keys: [], views: [], slab: new Float32Array(16 * dimension) }
      this.#groups.set(name, group)
    }
    return group
  }
}

function ranksBefore<K>(similarity: number, key: K, other: Scored<K>): boolean {
  return similarity > other.similarity || (similarity === other.similarity && key < other.key)
}

/**
 * Grows a group's slab by half (amortised O(1) per vector, at most a third of it unused: the
 * cache's memory is reported by bench/search-latency.ts); its views are re-cut from the new one.
 */
function grow<K>(group: Group<K>): void {
  const { dimension } = group
  const slab = new Float32Array(Math.ceil((group.slab.length * 1.5) / dimension) * dimension)
  slab.set(group.slab)
  group.slab = slab
  group.views = group.views.map((_, position) => slab.subarray(position * dimension, (position + 1) * dimension))
}

function sameColumns(a: ScopeColumns, b: ScopeColumns): boolean {
  return a.user_id === b.user_id && a.agent_id === b.agent_id && a.run_id === b.run_id
}

/** The read rule of ports.ts ScopeFilter: an id the scope carries must match, an absent one does not constrain. */
export function isVisible(columns: ScopeColumns, scope: Scope): boolean {
  return (
    (scope.userId === undefined || columns.user_id === scope.userId) &&
    (scope.agentId === undefined || columns.agent_id === scope.agentId) &&
    (scope.runId === undefined || columns.run_id === scope.runId)
  )
}

/** The write rule: the columns are exactly the scope's ids, an absent id matching only NULL. */
function isExactly(columns: ScopeColumns, scope: Scope): boolean {
  return sameScope(fromScopeColumns(columns), scope)
}
