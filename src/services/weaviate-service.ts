import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, openSync } from 'node:fs'
import { access, constants, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { EngramError } from '../errors.js'

/*
 * A local Weaviate without Docker: the server is built from source with the Go toolchain (Weaviate
 * publishes no standalone binary), cached, and run as a child process bound to 127.0.0.1.
 */

/** The Weaviate release Engram is tested against. */
const WEAVIATE_VERSION = 'v1.39.0'

const WEAVIATE_PACKAGE = 'github.com/weaviate/weaviate/cmd/weaviate-server'
const BINARY = 'weaviate-server'
const HOST = '127.0.0.1'
// A fresh data folder is ready in a few seconds; a large one replays its write-ahead logs first.
const READY_TIMEOUT_MS = 120_000
const READY_POLL_MS = 200
// Weaviate flushes its memtables on SIGTERM; that can take a while with much unflushed data.
const STOP_GRACE_MS = 15_000
const LOG_TAIL_LINES = 25

/** Where the built server lives below a cache folder. */
export interface WeaviateCacheOptions {
  /** Engram's cache folder (e.g. `~/.cache/engram`): the Go module and build caches and the binary go below it. */
  readonly cacheDir: string
}

/** Options of {@link startLocalWeaviate}. */
export interface LocalWeaviateOptions extends WeaviateCacheOptions {
  /** The server's own data folder; created if missing. Two servers must not share one. */
  readonly dataDir: string
  /** HTTP port on 127.0.0.1. Default: a free one. */
  readonly port?: number
  /** gRPC port. Default: a free one. */
  readonly grpcPort?: number
}

/** A running local server. */
export interface LocalWeaviate {
  /** `http://127.0.0.1:<port>`, for `vectorStore.config.url`. */
  readonly url: string
  readonly grpcPort: number
  readonly pid: number
  /** SIGTERM, then SIGKILL if the server has not exited after a grace period. Safe to call twice. */
  stop(): Promise<void>
}

/**
 * Builds `weaviate-server` 1.39.0 into `<cacheDir>/weaviate/bin` unless it is
 * there already, with `go install` (CGO disabled, so no C toolchain is needed). The module and
 * build caches stay below `<cacheDir>/go`, so deleting `cacheDir` removes everything. The first
 * build downloads Weaviate's modules and takes several minutes; later calls return at once.
 *
 * @returns the binary's path.
 * @throws EngramError STORE_UNAVAILABLE when `go` is not on PATH or the build fails (with the
 *   build log's last lines).
 */
export async function ensureWeaviateBinary(options: WeaviateCacheOptions): Promise<string> {
  const binDir = join(options.cacheDir, 'weaviate', 'bin')
  const binary = join(binDir, BINARY)
  if (await isExecutable(binary)) return binary
  await mkdir(binDir, { recursive: true })
  // `go install` copies the binary into GOBIN in place; an interrupted copy would leave a file that
  // looks installed. Building into a staging folder and renaming makes the install atomic.
  const staging = await mkdtemp(join(options.cacheDir, 'weaviate', 'build-'))
  const log = join(options.cacheDir, 'weaviate', 'build.log')
  const goPath = join(options.cacheDir, 'go')
  try {
    const code = await run('go', ['install', '-modcacherw', `${WEAVIATE_PACKAGE}@${WEAVIATE_VERSION}`], log, {
      ...baseEnvironment(),
      GOPATH: goPath,
      GOCACHE: join(goPath, 'build-cache'),
      GOBIN: staging,
      CGO_ENABLED: '0',
    })
    if (code !== 0) {
      throw new EngramError(
        'STORE_UNAVAILABLE',
        `Building Weaviate ${WEAVIATE_VERSION} failed (go install exited with ${code}); see ${log}:\n${await logTail(log)}`,
      )
    }
    await rename(join(staging, BINARY), binary)
    return binary
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

/**
 * Starts a single-node Weaviate on 127.0.0.1 (building it first if needed, see
 * {@link ensureWeaviateBinary}) and resolves once `/v1/.well-known/ready` answers 200.
 *
 * The server allows anonymous access, has no vectorizer modules (Engram supplies the vectors),
 * refuses auto-schema, sends no telemetry and keeps its data in `dataDir`. Its own cluster
 * ports are free ones on 127.0.0.1, so several servers can run side by side. Its output goes to
 * `<dataDir>/weaviate.log`. It runs in its own process group and does not keep the caller's
 * process alive, so a CLI can start it and exit; `pid` is what stops it later.
 *
 * Weaviate 1.39 binds its gRPC port and its internal cluster port on every interface (they take
 * no bind address); the cluster port gets random basic-auth credentials so that only this node
 * can use it.
 *
 * @throws EngramError STORE_UNAVAILABLE when the server exits early or is not ready in time,
 *   with the last lines of its log.
 */
export async function startLocalWeaviate(options: LocalWeaviateOptions): Promise<LocalWeaviate> {
  const binary = await ensureWeaviateBinary(options)
  await mkdir(options.dataDir, { recursive: true })
  const { port, grpcPort, gossipPort, dataPort, raftPort, raftRpcPort } = await choosePorts({
    port: options.port,
    grpcPort: options.grpcPort,
    gossipPort: undefined,
    dataPort: undefined,
    raftPort: undefined,
    raftRpcPort: undefined,
  })
  const logFile = join(options.dataDir, 'weaviate.log')
  const url = `http://${HOST}:${port}`
  const env = {
    ...baseEnvironment(),
    PERSISTENCE_DATA_PATH: options.dataDir,
    AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED: 'true',
    DEFAULT_VECTORIZER_MODULE: 'none',
    ENABLE_MODULES: '',
    // Engram creates its collection with explicit property types; a write that named an unknown
    // property must fail rather than add one with a guessed type.
    AUTOSCHEMA_ENABLED: 'false',
    // Without this, Weaviate reports usage to its telemetry service and probes cloud metadata addresses.
    DISABLE_TELEMETRY: 'true',
    // The profiling listener binds every interface; nothing here needs it.
    GO_PROFILING_DISABLE: 'true',
    // Engram's getAll accepts limits up to 100,000; Weaviate's default cap is 10,000.
    QUERY_MAXIMUM_RESULTS: '100000',
    GRPC_PORT: String(grpcPort),
    CLUSTER_HOSTNAME: 'node1',
    // Gossip, Raft and the Raft RPC server bind to this address.
    CLUSTER_BIND_ADDR: HOST,
    CLUSTER_GOSSIP_BIND_PORT: String(gossipPort),
    CLUSTER_DATA_BIND_PORT: String(dataPort),
    CLUSTER_BASIC_AUTH_USERNAME: 'engram',
    CLUSTER_BASIC_AUTH_PASSWORD: randomBytes(24).toString('base64url'),
    RAFT_PORT: String(raftPort),
    RAFT_INTERNAL_RPC_PORT: String(raftRpcPort),
    // The default 5 stretches Raft's timeouts for network delays between nodes; a single local node
    // has none, and with 1 it elects itself leader (and answers ready) several seconds sooner.
    RAFT_TIMEOUTS_MULTIPLIER: '1',
  }
  const output = openSync(logFile, 'a')
  let child: ChildProcess
  try {
    child = spawn(binary, ['--host', HOST, '--port', String(port), '--scheme', 'http'], { env, stdio: ['ignore', output, output], detached: true })
  } finally {
    // The child holds its own descriptor now.
    closeSync(output)
  }
  child.unref()
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(error.message))
    child.once('exit', (code, signal) => resolve(signal === null ? `exited with code ${code}` : `was killed by ${signal}`))
  })
  const stop = () => stopChild(child)
  const waiting = new AbortController()
  const outcome = await Promise.race([waitUntilReady(url, waiting.signal), exited.then((reason) => ({ exited: reason }))])
  waiting.abort()
  if (outcome !== 'ready') {
    await stop()
    const reason = outcome === 'timeout' ? `was not ready after ${READY_TIMEOUT_MS / 1000} s` : outcome.exited
    throw new EngramError('STORE_UNAVAILABLE', `The local Weaviate on ${url} ${reason}; last lines of ${logFile}:\n${await logTail(logFile)}`)
  }
  return { url, grpcPort, pid: child.pid!, stop }
}

/** PATH and HOME only: the children must not pick up the caller's proxies, credentials or Weaviate settings. */
function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of ['PATH', 'HOME'] as const) {
    const value = process.env[name]
    if (value !== undefined) env[name] = value
  }
  return env
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  )
}

/** Runs a command with its output appended to `log`; resolves with its exit code. */
async function run(command: string, args: string[], log: string, env: Record<string, string>): Promise<number> {
  const output = openSync(log, 'w')
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(command, args, { env, stdio: ['ignore', output, output] })
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'ENOENT'
            ? new EngramError(
                'STORE_UNAVAILABLE',
                `Building Weaviate needs the Go toolchain, and \`${command}\` is not on PATH. Install Go (https://go.dev/dl/), ` +
                  'or point vectorStore.config.url (WEAVIATE_URL) at a running Weaviate instead',
                { cause: error },
              )
            : error,
        ),
      )
      child.once('exit', (code) => resolve(code ?? 1))
    })
  } finally {
    closeSync(output)
  }
}

/**
 * Each port as given, or else a free one on 127.0.0.1. The free ports are held open until all are
 * chosen, so that they differ from each other.
 */
async function choosePorts<K extends string>(wanted: Record<K, number | undefined>): Promise<Record<K, number>> {
  const servers: Server[] = []
  try {
    const ports = {} as Record<K, number>
    for (const name of Object.keys(wanted) as K[]) {
      const given = wanted[name]
      if (given !== undefined) {
        ports[name] = given
        continue
      }
      const server = createServer()
      servers.push(server)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(0, HOST, resolve)
      })
      ports[name] = (server.address() as { port: number }).port
    }
    return ports
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  }
}

/** Polls the readiness endpoint until it answers 200, the time is up or `signal` gives up (the server exited). */
async function waitUntilReady(url: string, signal: AbortSignal): Promise<'ready' | 'timeout'> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline && !signal.aborted) {
    const status = await fetch(`${url}/v1/.well-known/ready`, { signal: AbortSignal.timeout(2_000) }).then(
      async (response) => {
        await response.body?.cancel()
        return response.status
      },
      () => 0,
    )
    if (status === 200) return 'ready'
    await sleep(READY_POLL_MS)
  }
  return 'timeout'
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // The child is unreferenced (see startLocalWeaviate); while stopping, the caller must wait for it.
  child.ref()
  child.kill('SIGTERM')
  // Unreferenced, so that a prompt exit does not leave the caller waiting for the timer.
  const timer = sleep(STOP_GRACE_MS, 'timeout' as const, { ref: false })
  if ((await Promise.race([exit, timer])) === 'timeout') {
    child.kill('SIGKILL')
    await exit
  }
}

async function logTail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '')
  return text.trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n')
}
