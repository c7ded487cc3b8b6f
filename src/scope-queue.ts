import type { Scope } from './input.js'

interface Queued {
  readonly scope: Scope
  readonly settled: Promise<unknown>
}

/**
 * Runs the work of overlapping scopes one after another, in the order it was asked for, and the
 * work of disjoint scopes side by side. Two scopes overlap when some memory could be in both:
 * every id they both carry is equal (`{userId:"a"}`, `{runId:"r"}` and `{userId:"a", runId:"r"}`
 * all overlap; `{userId:"a"}` and `{userId:"b"}` do not). So two concurrent adds to one user never
 * miss each other's new facts, and `deleteAll` of a scope starts only after every add it covers,
 * whatever ids that add carries besides, and before every add asked for after it.
 */
export class ScopeQueue {
  readonly #queued = new Set<Queued>()

  run<T>(scope: Scope, task: () => Promise<T>): Promise<T> {
    const earlier = [...this.#queued].filter((queued) => overlap(queued.scope, scope)).map((queued) => queued.settled)
    const result = Promise.allSettled(earlier).then(task)
    const queued: Queued = { scope, settled: result.catch(() => undefined) }
    this.#queued.add(queued)
    void queued.settled.then(() => this.#queued.delete(queued))
    return result
  }
}

const SCOPE_IDS = ['userId', 'agentId', 'runId'] as const

/** Whether some memory could be in both scopes: no id that both carry differs. */
function overlap(a: Scope, b: Scope): boolean {
  return SCOPE_IDS.every((id) => a[id] === undefined || b[id] === undefined || a[id] === b[id])
}
