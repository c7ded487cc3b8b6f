/**
 * Work `Memory` does after a call has returned (the refresh of a scope's rolling summary), so its
 * latency is never the caller's. Work under one key never runs twice at once: a start while it
 * runs is dropped, which suits work that checks on its own whether it is due. A failure is
 * swallowed here, never an unhandled rejection; the work itself must leave things so that the
 * next start retries.
 */
export class BackgroundWork {
  readonly #running = new Map<string, Promise<void>>()

  /** Starts `task` on a later turn of the event loop, after the caller has its result; skipped while `key` runs. */
  start(key: string, task: () => Promise<void>): void {
    if (this.#running.has(key)) return
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(task)
      .catch(() => undefined)
      .finally(() => this.#running.delete(key))
    this.#running.set(key, run)
  }

  /** Resolves once no work runs, including work started while waiting. Never rejects. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values())
  }
}
