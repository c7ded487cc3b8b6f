import { mkdir } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { ensureNeo4jLauncher, startLocalNeo4j } from './neo4j-service.js'
import { ensureWeaviateBinary, startLocalWeaviate } from './weaviate-service.js'

/** Where builds, downloads and the services' data live: `~/.cache/engram`. */
export const defaultCacheDir = (home = homedir()): string => join(home, '.cache', 'engram')

/** The settings Engram reads to reach the services (docs/contract.md), as environment variables. */
export interface ServiceEnv {
  NEO4J_URI: string
  NEO4J_USERNAME: string
  NEO4J_PASSWORD: string
  WEAVIATE_URL: string
  WEAVIATE_GRPC_PORT: string
}

/** Running services: the settings to reach them and how to stop them. */
export interface LocalServices {
  env: Partial<ServiceEnv>
  stop(): Promise<void>
}

/**
 * Builds (once, cached) and starts Neo4j 5.26 (in-process harness behind a small Java launcher)
 * and Weaviate 1.39 (built from the Go module proxy) on free loopback ports, side by side; both
 * by default. If one fails to start, the other is stopped before the error propagates.
 */
export async function startLocalServices(options: { cacheDir: string; dataDir: string; neo4j?: boolean; weaviate?: boolean }): Promise<LocalServices> {
  const { cacheDir, dataDir } = options
  await mkdir(dataDir, { recursive: true })
  const starts: Array<Promise<LocalServices>> = []
  if (options.neo4j ?? true) starts.push(startNeo4j(cacheDir, join(dataDir, 'neo4j')))
  if (options.weaviate ?? true) starts.push(startWeaviate(cacheDir, join(dataDir, 'weaviate')))
  const settled = await Promise.allSettled(starts)
  const running = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  const stop = async () => {
    await Promise.allSettled(running.map((service) => service.stop()))
  }
  if (failed !== undefined) {
    await stop()
    throw failed.reason
  }
  return { env: Object.assign({}, ...running.map((service) => service.env)) as Partial<ServiceEnv>, stop }
}

async function startNeo4j(cacheDir: string, dataDir: string): Promise<LocalServices> {
  await ensureNeo4jLauncher({ cacheDir })
  const neo4j = await startLocalNeo4j({ cacheDir, dataDir })
  return { env: { NEO4J_URI: neo4j.uri, NEO4J_USERNAME: neo4j.username, NEO4J_PASSWORD: neo4j.password }, stop: () => neo4j.stop() }
}

async function startWeaviate(cacheDir: string, dataDir: string): Promise<LocalServices> {
  await ensureWeaviateBinary({ cacheDir })
  const weaviate = await startLocalWeaviate({ cacheDir, dataDir })
  return { env: { WEAVIATE_URL: weaviate.url, WEAVIATE_GRPC_PORT: String(weaviate.grpcPort) }, stop: () => weaviate.stop() }
}
