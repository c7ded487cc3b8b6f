/**
 * A child process for the reembed crash tests (reembed.test.ts): runs `reembed` to the model the
 * parent names on the stores it names, prints `BATCH <store> <done>/<total>` after each batch,
 * and kills itself with SIGKILL right after the store write number `killAfterWrite` (counting
 * the writes of both stores), before that batch is noted as done. Test scaffolding only.
 *
 * Environment: REEMBED_CHILD = JSON of {@link ReembedChildOrder}.
 */
import { reembed } from '../../src/index.js'
import type { GraphStore, VectorStore } from '../../src/ports.js'
import { openStoresAt, type StoreLocation } from '../helpers/store-location.js'
import { reembedConfig } from './reembed-config.js'

export interface ReembedChildOrder extends StoreLocation {
  model: 'all-MiniLM-L6-v2' | 'bge-small-en-v1.5'
  killAfterWrite: number
}

const order = JSON.parse(process.env.REEMBED_CHILD!) as ReembedChildOrder
let writes = 0

/** Wraps a store so that its `restore` (the reembed's write) kills this process after the chosen one. */
function killingAfterWrite<T extends VectorStore | GraphStore>(store: T): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown
      if (typeof value !== 'function') return value
      if (property !== 'restore') return value.bind(target)
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)
        writes += 1
        if (writes === order.killAfterWrite) process.kill(process.pid, 'SIGKILL')
        return result
      }
    },
  })
}

const stores = await openStoresAt(order)
await reembed(
  reembedConfig(order, order.model),
  { batchSize: 16, onProgress: ({ store, done, total }) => process.stdout.write(`BATCH ${store} ${done}/${total}\n`) },
  { vectorStore: killingAfterWrite(stores.vectorStore), graphStore: killingAfterWrite(stores.graphStore) },
)
process.stdout.write('DONE\n')
