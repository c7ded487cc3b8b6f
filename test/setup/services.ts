import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { defaultCacheDir, type ServiceEnv, startLocalServices } from '../../src/services/local-services.js'
import { selectedBackends } from './backend-selection.js'

/**
 * Vitest global setup: makes Neo4j and Weaviate reachable once per test run, in this order —
 * `NEO4J_URI` / `WEAVIATE_URL` when set; containers when a Docker engine answers; otherwise local
 * processes built from the registries (cached under ~/.cache/engram). The servers listen on free
 * loopback ports and are stopped in teardown, which vitest runs whether tests passed or not.
 * A backend that cannot be started fails the run: nothing is skipped silently.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const selected = selectedBackends()
  const needNeo4j = selected.has('neo4j') && process.env.NEO4J_URI === undefined
  const needWeaviate = selected.has('weaviate') && process.env.WEAVIATE_URL === undefined
  if (!needNeo4j && !needWeaviate) return async () => {}

  const started = (await dockerAnswers())
    ? await startContainers()
    : await startLocal({ neo4j: needNeo4j, weaviate: needWeaviate })
  for (const [name, value] of Object.entries(started.env)) {
    if (value !== undefined && process.env[name] === undefined) process.env[name] = value
  }
  return started.stop
}

interface Started {
  env: Partial<ServiceEnv>
  stop: () => Promise<void>
}

async function startLocal(wanted: { neo4j: boolean; weaviate: boolean }): Promise<Started> {
  const dataDir = await mkdtemp(join(tmpdir(), 'engram-services-'))
  const started = Date.now()
  const services = await startLocalServices({ cacheDir: defaultCacheDir(), dataDir, ...wanted })
  console.log(`[engram] local services up in ${Math.round((Date.now() - started) / 1000)}s: ${JSON.stringify(services.env)}`)
  return {
    env: services.env,
    stop: async () => {
      await services.stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** True when a Docker engine answers (not merely when the client is installed). */
async function dockerAnswers(): Promise<boolean> {
  try {
    await promisify(execFile)('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5000 })
    return true
  } catch {
    return false
  }
}

/** The same servers from the images docker-compose.yml names, on ports Docker maps to loopback. */
async function startContainers(): Promise<Started> {
  const { GenericContainer, Wait } = await import('testcontainers')
  const password = 'engram-test'
  const [neo4j, weaviate] = await Promise.all([
    new GenericContainer('neo4j:5.26-community')
      .withEnvironment({ NEO4J_AUTH: `neo4j/${password}` })
      .withExposedPorts(7687)
      .withWaitStrategy(Wait.forLogMessage(/Started\./))
      .start(),
    new GenericContainer('semitechnologies/weaviate:1.39.0')
      .withEnvironment({
        AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED: 'true',
        PERSISTENCE_DATA_PATH: '/var/lib/weaviate',
        DEFAULT_VECTORIZER_MODULE: 'none',
        ENABLE_MODULES: '',
        CLUSTER_HOSTNAME: 'node1',
        DISABLE_TELEMETRY: 'true',
      })
      .withCommand(['--host', '0.0.0.0', '--port', '8080', '--scheme', 'http'])
      .withExposedPorts(8080, 50051)
      .withWaitStrategy(Wait.forHttp('/v1/.well-known/ready', 8080))
      .start(),
  ])
  return {
    env: {
      NEO4J_URI: `bolt://${neo4j.getHost()}:${neo4j.getMappedPort(7687)}`,
      NEO4J_USERNAME: 'neo4j',
      NEO4J_PASSWORD: password,
      WEAVIATE_URL: `http://${weaviate.getHost()}:${weaviate.getMappedPort(8080)}`,
      WEAVIATE_GRPC_PORT: String(weaviate.getMappedPort(50051)),
    },
    stop: async () => {
      await Promise.allSettled([neo4j.stop(), weaviate.stop()])
    },
  }
}
