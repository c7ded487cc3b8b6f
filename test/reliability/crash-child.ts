/**
 * A child process for the crash tests (crash-recovery.test.ts): opens a Memory on the stores the
 * parent names, runs numbered adds one after another, prints `ACK <n> <json result>` after each
 * add resolves, and kills itself with SIGKILL at the point the parent asks for, by wrapping the
 * stores. Test scaffolding only.
 *
 * Environment: CRASH_CHILD = JSON of {@link ChildOrder}.
 */
import { join } from 'node:path'
import { SqliteHistoryStore } from '../../src/adapters/sqlite/sqlite-history-store.js'
import { Memory } from '../../src/index.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { openStoresAt, type StoreLocation } from '../helpers/store-location.js'
import { conversationLLM, conversationOf } from './conversation-llm.js'

export interface ChildOrder extends StoreLocation {
  /** Adds number `from` … `from + count - 1`. */
  from: number
  count: number
  /** `store.method:before|after|during`, e.g. `vector.insert:after`; absent: run until killed from outside. */
  crashAt?: string
  /** The add (number) during which to crash. */
  crashInAdd?: number
}

const order = JSON.parse(process.env.CRASH_CHILD!) as ChildOrder
let currentAdd = -1

/** Wraps a store so that the named method kills this process before, during or after it runs. */
function crashing<T extends object>(store: T, name: string): T {
  const [where, when] = (order.crashAt ?? ':').split(':') as [string, string]
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown
      if (typeof value !== 'function') return value
      if (`${name}.${String(property)}` !== where) return value.bind(target)
      return async (...args: unknown[]) => {
        const armed = currentAdd === order.crashInAdd
        if (armed && when === 'before') process.kill(process.pid, 'SIGKILL')
        // During: the kill lands while the call is in flight (inside Neo4j's transaction, say).
        if (armed && when === 'during') setTimeout(() => process.kill(process.pid, 'SIGKILL'), Math.floor(Math.random() * 4))
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)
        if (armed && when === 'after') process.kill(process.pid, 'SIGKILL')
        return result
      }
    },
  })
}

const stores = { ...(await openStoresAt(order)), historyStore: await SqliteHistoryStore.open({ path: join(order.dataDir, 'history.db') }) }
const memory = await Memory.create(
  { dataDir: order.dataDir },
  {
    llm: conversationLLM(() => currentAdd),
    embedder: new HashEmbedder(1024),
    vectorStore: crashing(stores.vectorStore, 'vector'),
    graphStore: crashing(stores.graphStore, 'graph'),
    historyStore: crashing(stores.historyStore, 'history'),
  },
)
for (let n = order.from; n < order.from + order.count; n += 1) {
  currentAdd = n
  const result = await memory.add(conversationOf(n), { userId: 'crash' })
  process.stdout.write(`ACK ${n} ${JSON.stringify(result)}\n`)
}
await memory.close()
