import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { GenericContainer, StartedTestContainer } from 'testcontainers'
import { defaultCacheDir, type ServiceEnv, startLocalServices } from '../../src/services/local-services.js'
import { selectedBackends } from './backend-selection.js'

/**
 * Vitest global setup: makes Neo4j and Weaviate reachable once per test run. `ENGRAM_SERVICES`
 * picks the way: `env` (the servers `NEO4J_URI` / `WEAVIATE_URL` name), `containers` (started
 * with testcontainers from the images, settings and health checks of docker-compose.yml) or
 * `local` (processes built from the registries, cached under ~/.cache/engram). Unset, the first
 * that applies: the environment, containers when a Docker engine answers, local processes.
 * The servers listen on free loopback ports and are stopped in teardown, which vitest runs
 * whether tests passed or not. A backend that cannot be started fails the run: nothing is
 * skipped silently.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const selected = selectedBackends()
  const source = requestedSource()
  const fromEnv = (name: keyof ServiceEnv) => source === 'env' || (source === undefined && process.env[name] !== undefined)
  const wanted = { neo4j: selected.has('neo4j') && !fromEnv('NEO4J_URI'), weaviate: selected.has('weaviate') && !fromEnv('WEAVIATE_URL') }
  if (source === 'env') requireEnv(selected)
  if (!wanted.neo4j && !wanted.weaviate) return async () => {}

  const containers = source === 'containers' || (source === undefined && (await dockerAnswers()))
  const started = containers ? await startContainers(wanted) : await startLocal(wanted)
  // A source chosen explicitly replaces what the environment says; the default chain only fills gaps.
  for (const [name, value] of Object.entries(started.env)) {
    if (value !== undefined && (source !== undefined || process.env[name] === undefined)) process.env[name] = value
  }
  return started.stop
}

const SOURCES = ['env', 'containers', 'local'] as const
type ServicesSource = (typeof SOURCES)[number]

function requestedSource(): ServicesSource | undefined {
  const value = process.env.ENGRAM_SERVICES
  if (value === undefined || value === '') return undefined
  if (!(SOURCES as readonly string[]).includes(value)) throw new Error(`ENGRAM_SERVICES must be one of ${SOURCES.join(', ')}, got ${value}`)
  return value as ServicesSource
}

function requireEnv(selected: Set<string>): void {
  const missing = [selected.has('neo4j') && 'NEO4J_URI', selected.has('weaviate') && 'WEAVIATE_URL'].filter(
    (name): name is string => name !== false && !process.env[name],
  )
  if (missing.length > 0) throw new Error(`ENGRAM_SERVICES=env, but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set`)
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

/** The servers of docker-compose.yml, each on loopback ports Docker maps; stopped (and removed with their volumes) together. */
async function startContainers(wanted: { neo4j: boolean; weaviate: boolean }): Promise<Started> {
  const started = Date.now()
  const [neo4j, weaviate] = await Promise.allSettled([
    wanted.neo4j ? (await composeContainer('neo4j')).start() : undefined,
    wanted.weaviate ? (await composeContainer('weaviate')).start() : undefined,
  ])
  const running = [neo4j, weaviate].flatMap((result) => (result.status === 'fulfilled' && result.value !== undefined ? [result.value] : []))
  const stop = async () => {
    await Promise.allSettled(running.map((container) => container.stop({ remove: true, removeVolumes: true })))
  }
  const failed = [neo4j, weaviate].find((result): result is PromiseRejectedResult => result.status === 'rejected')
  if (failed !== undefined) {
    await stop()
    throw failed.reason
  }
  const env = { ...neo4jEnv(neo4j), ...weaviateEnv(weaviate) }
  console.log(`[engram] containers up in ${Math.round((Date.now() - started) / 1000)}s: ${JSON.stringify(env)}`)
  return { env, stop }
}

function neo4jEnv(result: PromiseSettledResult<StartedTestContainer | undefined>): Partial<ServiceEnv> {
  if (result.status !== 'fulfilled' || result.value === undefined) return {}
  const [username, password] = (composeService('neo4j').environment.NEO4J_AUTH ?? 'neo4j/').split('/')
  return { NEO4J_URI: `bolt://${result.value.getHost()}:${result.value.getMappedPort(7687)}`, NEO4J_USERNAME: username, NEO4J_PASSWORD: password }
}

function weaviateEnv(result: PromiseSettledResult<StartedTestContainer | undefined>): Partial<ServiceEnv> {
  if (result.status !== 'fulfilled' || result.value === undefined) return {}
  const container = result.value
  return { WEAVIATE_URL: `http://${container.getHost()}:${container.getMappedPort(8080)}`, WEAVIATE_GRPC_PORT: String(container.getMappedPort(50051)) }
}

/** docker-compose.yml, which names the images and settings of both servers for every way of running them. */
export const COMPOSE_FILE = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url))

/** One service of docker-compose.yml: what a container needs to be the same server. */
export interface ComposeService {
  image: string
  command?: string[]
  environment: Record<string, string>
  /** The container side of each published port. */
  containerPorts: number[]
  healthcheck: { test: ['CMD-SHELL', string] | ['CMD', ...string[]]; intervalMs: number; retries: number }
}

/**
 * Reads a service of docker-compose.yml. The file keeps to a small part of YAML (block mappings
 * and lists, JSON-style flow lists and double-quoted strings), and this reads exactly that part.
 */
export function composeService(name: string): ComposeService {
  const lines = readFileSync(COMPOSE_FILE, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
  const start = lines.indexOf(`  ${name}:`)
  if (start < 0) throw new Error(`${COMPOSE_FILE} has no service ${name}`)
  const end = lines.findIndex((line, index) => index > start && /^ {0,2}\S/.test(line))
  const block = lines.slice(start + 1, end < 0 ? undefined : end)
  const value = (key: string, indent = 4) =>
    block
      .find((line) => line.startsWith(`${' '.repeat(indent)}${key}:`))
      ?.slice(indent + key.length + 1)
      .trim()
  const section = (key: string) => {
    const from = block.indexOf(`    ${key}:`)
    if (from < 0) return []
    const after = block.slice(from + 1)
    const length = after.findIndex((line) => !line.startsWith('      '))
    return after.slice(0, length < 0 ? undefined : length).map((line) => line.trim())
  }
  const scalar = (text: string): string => (text.startsWith('"') ? (JSON.parse(text) as string) : text)
  const image = value('image')
  const test = section('healthcheck').find((line) => line.startsWith('test:'))
  if (image === undefined || test === undefined) throw new Error(`${COMPOSE_FILE}: service ${name} needs an image and a healthcheck test`)
  const healthcheck = Object.fromEntries(section('healthcheck').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]))
  const command = value('command')
  return {
    image,
    command: command === undefined ? undefined : (JSON.parse(command) as string[]),
    environment: Object.fromEntries(section('environment').map((line) => [line.slice(0, line.indexOf(':')), scalar(line.slice(line.indexOf(':') + 1).trim())])),
    containerPorts: section('ports').map((line) => Number(scalar(line.slice(1).trim()).split(':').at(-1))),
    healthcheck: {
      test: JSON.parse(healthcheck.test!) as ComposeService['healthcheck']['test'],
      intervalMs: parseFloat(healthcheck.interval ?? '5') * 1000,
      retries: Number(healthcheck.retries ?? 3),
    },
  }
}

/**
 * A testcontainers container for a service of docker-compose.yml: the same image, command,
 * environment and health check, its ports exposed (mapped to free host ports unless `hostPorts`
 * fixes them), ready once the health check passes.
 */
export async function composeContainer(name: string, hostPorts: Record<number, number> = {}): Promise<GenericContainer> {
  const { GenericContainer, Wait } = await import('testcontainers')
  const service = composeService(name)
  let container = new GenericContainer(service.image)
    .withEnvironment(service.environment)
    .withExposedPorts(...service.containerPorts.map((port) => (hostPorts[port] === undefined ? port : { container: port, host: hostPorts[port] })))
    .withHealthCheck({ test: service.healthcheck.test, interval: service.healthcheck.intervalMs, timeout: 5_000, retries: service.healthcheck.retries })
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(service.healthcheck.intervalMs * service.healthcheck.retries + 30_000)
  if (service.command !== undefined) container = container.withCommand(service.command)
  return container
}
