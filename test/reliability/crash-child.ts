/**
 * A child process for the crash tests (crash-recovery.test.ts): opens a Memory on the stores the
 * parent names, runs numbered adds one after another, prints `ACK <n> <json result>` after each
 * add resolves, and kills itself with SIGKILL at the point the parent asks for, by wrapping the
 * stores. Test scaffolding only.
 *
 * Environment: CRASH_CHILD = JSON of {@link ChildOrder}.
 */
import { join } from 'node:path'
import { Neo4jGraphStore } from '../../src/adapters/neo4j/neo4j-graph-store.js'
import { SqliteGraphStore } from '../../src/adapters/sqlite/sqlite-graph-store.js'
import { SqliteHistoryStore } from '../../src/adapters/sqlite/sqlite-history-store.js'
import { SqliteVectorStore } from '../../src/adapters/sqlite/sqlite-vector-store.js'
import { WeaviateVectorStore } from '../../src/adapters/weaviate/weaviate-vector-store.js'
import { Memory } from '../../src/index.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { conversationLLM, conversationOf } from './conversation-llm.js'

export interface ChildOrder {
  dataDir: string
  backend: 'sqlite' | 'neo4j+weaviate'
  collection?: string
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

async function openStores() {
  if (order.backend === 'sqlite') {
    return {
      vectorStore: await SqliteVectorStore.open({ path: join(order.dataDir, 'memories.db') }),
      graphStore: await SqliteGraphStore.open({ path: join(order.dataDir, 'graph.db') }),
      historyStore: await SqliteHistoryStore.open({ path: join(order.dataDir, 'history.db') }),
    }
  }
  return {
    vectorStore: await WeaviateVectorStore.open({
      url: process.env.WEAVIATE_URL!,
      grpcPort: Number(process.env.WEAVIATE_GRPC_PORT),
      collection: order.collection,
    }),
    graphStore: await Neo4jGraphStore.open({
      url: process.env.NEO4J_URI!,
      username: process.env.NEO4J_USERNAME ?? 'neo4j',
      password: process.env.NEO4J_PASSWORD ?? 'neo4j',
    }),
    historyStore: await SqliteHistoryStore.open({ path: join(order.dataDir, 'history.db') }),
  }
}

const stores = await openStores()
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
