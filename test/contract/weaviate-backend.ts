import { randomBytes } from 'node:crypto'
import weaviate from 'weaviate-client'
import { afterAll } from 'vitest'
import { WeaviateVectorStore } from '../../src/adapters/weaviate/weaviate-vector-store.js'
import { DEFAULT_WEAVIATE_GRPC_PORT } from '../../src/config/resolve.js'
import type { VectorStore } from '../../src/ports.js'
import type { StoreBackend } from './backends.js'

/**
 * The Weaviate vector store for the contract suites, on the server that `WEAVIATE_URL` and
 * `WEAVIATE_GRPC_PORT` (default 50051) name, e.g. one from `npx engram services up`. Each
 * location is a new collection, so suites and test files running side by side never meet; the
 * collections are dropped after the file has run.
 */
export const weaviateVectorStore: StoreBackend<VectorStore> = {
  name: 'weaviate',
  location: newCollection,
  open: (collection = newCollection()) => WeaviateVectorStore.open({ ...server(), collection }),
}

const created: string[] = []

// Registered in the root suite of each test file that imports this module, as backends.ts does.
afterAll(async () => {
  if (created.length === 0) return
  const { url, grpcPort } = server()
  const endpoint = new URL(url)
  const client = await weaviate.connectToCustom({ httpHost: endpoint.hostname, httpPort: Number(endpoint.port), grpcHost: endpoint.hostname, grpcPort })
  try {
    for (const name of created.splice(0)) await client.collections.delete(name)
  } finally {
    await client.close()
  }
})

function newCollection(): string {
  const name = `EngramContract_${randomBytes(6).toString('hex')}`
  created.push(name)
  return name
}

function server(): { url: string; grpcPort: number } {
  const url = process.env.WEAVIATE_URL
  if (url === undefined || url === '') {
    throw new Error(
      'the weaviate backend needs a running server: set WEAVIATE_URL and WEAVIATE_GRPC_PORT (`npx engram services up` prints them), ' +
        'or leave it out with ENGRAM_BACKENDS=sqlite',
    )
  }
  const grpcPort = process.env.WEAVIATE_GRPC_PORT
  return { url, grpcPort: grpcPort === undefined || grpcPort === '' ? DEFAULT_WEAVIATE_GRPC_PORT : Number(grpcPort) }
}
