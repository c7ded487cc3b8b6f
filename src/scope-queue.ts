import type { Scope } from './input.js'

/**
 * Runs the adds of one scope one after another, and adds of different scopes side by side.
 * Without it, two concurrent adds to one user could both miss each other's new facts when they
 * look up neighbours, and store the same fact twice. The key is the scope's most general id, so
 * `{userId:"a"}` and `{userId:"a", runId:"r"}` share a queue: they see each other's memories.
 */
export class ScopeQueue {
  readonly #tails = new Map<string, Promise<unknown>>()

  run<T>(scope: Scope, task: () => Promise<T>): Promise<T> {
    const key = scope.userId !== undefined ? `u:${scope.userId}` : scope.agentId !== undefined ? `a:${scope.agentId}` : `r:${scope.runId}`
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(task, task)
    const tail = result.catch(() => undefined)
    this.#tails.set(key, tail)
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    })
    return result
  }
}
