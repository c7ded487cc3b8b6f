/** Wraps a port so that the time spent in each of its methods is added up, to break a call's time down. */
export function timedPort<T extends object>(port: T, label: string, totals: Map<string, number>): T {
  return new Proxy(port, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown
      if (typeof value !== 'function' || typeof property !== 'string') return value
      return async (...args: unknown[]) => {
        const started = performance.now()
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)
        } finally {
          const key = `${label}.${property}`
          totals.set(key, (totals.get(key) ?? 0) + performance.now() - started)
        }
      }
    },
  })
}
