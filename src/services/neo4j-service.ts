import { spawn } from 'node:child_process'
import type { ChildProcessByStdio } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { EngramError } from '../errors.js'

/*
 * The local Neo4j of `engram services up` and of the tests when no NEO4J_URI is given: Neo4j
 * Community 5.26 in-process, behind the small Java launcher in services/neo4j-launcher/, built
 * once with Maven and cached. Callers pass every folder; nothing here reads the environment.
 */

/** The launcher's Maven project, relative to the package root. */
const LAUNCHER_PROJECT = join('services', 'neo4j-launcher')

/** The one line the launcher prints once Bolt accepts connections. */
const READY_LINE = /^READY (bolt:\/\/127\.0\.0\.1:\d+)$/m

/**
 * A cold JVM loads Neo4j's ~240 jars and creates an empty store in 10–20 s on two busy cores
 * (measured 15.9 s while a Go build ran beside it); three minutes leaves room for a slow disk.
 */
const DEFAULT_START_TIMEOUT_MS = 180_000

/** After SIGTERM, Neo4j flushes and closes its store (about a second when idle) before SIGKILL. */
const STOP_GRACE_MS = 15_000

/** How much of the launcher's output is kept for the error when it fails to start. */
const LOG_TAIL_LINES = 30

/**
 * Neo4j's heap. Its page cache (256 MiB, set by the launcher) lives outside the heap; 1 GiB of
 * heap holds Cypher planning and vector-index searches over tens of thousands of entities while
 * leaving the rest of a small machine to Node and the other service.
 */
const JVM_OPTIONS = ['-Xmx1g']

/** A running local Neo4j and how to reach it. */
export interface LocalNeo4j {
  /** `bolt://127.0.0.1:PORT`. */
  readonly uri: string
  /** Authentication is off; the driver's basic auth is accepted with these (or any) credentials. */
  readonly username: string
  readonly password: string
  readonly pid: number
  /** Closes the launcher's stdin and sends SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>
}

/** The builds of this process, so that parallel callers share one Maven run. */
const builds = new Map<string, Promise<string>>()

/**
 * Builds the launcher with Maven unless this version of it is already cached, and returns the
 * folder whose `lib/` holds its classpath: `<cacheDir>/neo4j/<neo4j version>-<source hash>/`.
 * Idempotent; concurrent builds (other processes included) each build in a folder of their own
 * and the first to finish renames it into place. Maven's own downloads are cached in ~/.m2.
 *
 * @throws EngramError STORE_UNAVAILABLE when `java` or `mvn` is missing or the build fails, with
 *   Maven's last lines.
 */
export function ensureNeo4jLauncher(options: { cacheDir: string }): Promise<string> {
  let build = builds.get(options.cacheDir)
  if (build === undefined) {
    build = buildLauncher(options.cacheDir)
    builds.set(options.cacheDir, build)
    // A failed build may succeed later (Maven installed, network back): do not cache the failure.
    build.catch(() => builds.delete(options.cacheDir))
  }
  return build
}

/**
 * Starts a local Neo4j with its files below `dataDir` and Bolt on 127.0.0.1:`port`; without a
 * port, Neo4j binds a free one itself and reports it, so no other process can take it between a
 * probe and the bind. Resolves once Bolt accepts connections. Every start begins with an empty
 * database (the harness deletes its folder on a clean stop). The process ends with ours: its
 * stdin is a pipe from this process, and the launcher stops when that pipe closes.
 *
 * @throws EngramError INVALID_INPUT for a port outside 0..65535; STORE_UNAVAILABLE when the
 *   launcher cannot be built, `java` is missing, the process exits before it is ready (with its
 *   last output: a port in use, say) or is not ready within `timeoutMs` (default 3 minutes).
 */
export async function startLocalNeo4j(options: { cacheDir: string; dataDir: string; port?: number; timeoutMs?: number }): Promise<LocalNeo4j> {
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) {
    throw new EngramError('INVALID_INPUT', `local Neo4j: port must be an integer from 0 to 65535, got ${options.port}`)
  }
  const launcher = await ensureNeo4jLauncher({ cacheDir: options.cacheDir })
  await mkdir(options.dataDir, { recursive: true })
  const args = [...JVM_OPTIONS, '-cp', join(launcher, 'lib', '*'), 'engram.Neo4jLauncher', options.dataDir, String(options.port ?? 0)]
  const child = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    const uri = await awaitReady(child, options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS)
    return { uri, username: 'neo4j', password: 'neo4j', pid: child.pid!, stop: () => stopProcess(child, exited) }
  } catch (error) {
    await stopProcess(child, exited)
    throw error
  }
}

type LauncherProcess = ChildProcessByStdio<Writable, Readable, Readable>

/**
 * Resolves with the Bolt URI of the READY line; rejects with the output's tail when the process
 * ends or the time runs out. Either way it then stops keeping the output but goes on draining the
 * pipes, so that a chatty JVM never blocks on a full one.
 */
function awaitReady(child: LauncherProcess, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let output = ''
    const settle = () => {
      clearTimeout(timer)
      child.stdout.off('data', onData)
      child.stderr.off('data', onData)
      child.off('error', onError).off('exit', onExit)
      child.stdout.resume()
      child.stderr.resume()
    }
    const fail = (reason: string, cause?: unknown) => {
      settle()
      const tail = output.trim().split('\n').slice(-LOG_TAIL_LINES).join('\n')
      reject(
        new EngramError('STORE_UNAVAILABLE', `local Neo4j ${reason}${tail === '' ? '' : `; its last output:\n${tail}`}`, cause === undefined ? {} : { cause }),
      )
    }
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const ready = READY_LINE.exec(output)
      if (ready === null) return
      settle()
      resolve(ready[1]!)
    }
    const onError = (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'ENOENT'
          ? 'cannot start: `java` (17 or newer) is not on PATH; install a JDK, or set NEO4J_URI to a running Neo4j'
          : `cannot start: ${error.message}`,
        error,
      )
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited before it was ready (${signal ?? `exit code ${code}`})`)
    const timer = setTimeout(() => fail(`was not ready within ${Math.round(timeoutMs / 1000)} s`), timeoutMs)
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('error', onError)
    child.once('exit', onExit)
  })
}

/** EOF on stdin and SIGTERM both make the launcher close Neo4j cleanly; SIGKILL if it has not exited after the grace period. */
async function stopProcess(child: LauncherProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.stdin.destroy()
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
  await exited
  clearTimeout(timer)
}

async function buildLauncher(cacheDir: string): Promise<string> {
  const project = launcherProject()
  const pom = await readFile(join(project, 'pom.xml'), 'utf8')
  const source = await readFile(join(project, 'src', 'main', 'java', 'engram', 'Neo4jLauncher.java'), 'utf8')
  const neo4jVersion = /<neo4j\.version>([^<]+)<\/neo4j\.version>/.exec(pom)?.[1] ?? 'unknown'
  // The source hash in the folder name makes an edited launcher a new build, never a stale cache hit.
  const hash = createHash('sha256').update(pom).update('\0').update(source).digest('hex').slice(0, 12)
  const target = join(cacheDir, 'neo4j', `${neo4jVersion}-${hash}`)
  if (existsSync(join(target, 'lib'))) return target

  await requireTool('java', ['-version'], 'a JDK 17 or newer')
  await requireTool('mvn', ['-v'], 'Maven 3')
  await mkdir(dirname(target), { recursive: true })
  const work = await mkdtemp(`${target}.build-`)
  try {
    // Copied without a target/ folder that a developer's own `mvn package` may have left.
    await cp(project, join(work, 'project'), { recursive: true, filter: (path) => relative(project, path).split(sep)[0] !== 'target' })
    const lib = join(work, 'out', 'lib')
    await run('mvn', ['-q', '-B', '-f', join(work, 'project', 'pom.xml'), 'package', 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`])
    await cp(join(work, 'project', 'target', 'neo4j-launcher.jar'), join(lib, 'neo4j-launcher.jar'))
    await rename(join(work, 'out'), target).catch((error: NodeJS.ErrnoException) => {
      // Another build finished first: its result is the same.
      if (!existsSync(join(target, 'lib'))) throw error
    })
    return target
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** The launcher project in the installed package: the first ancestor folder that holds it. */
function launcherProject(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, LAUNCHER_PROJECT, 'pom.xml'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new EngramError('STORE_UNAVAILABLE', `${LAUNCHER_PROJECT}/ is missing from the installed engram package; reinstall it`)
    dir = parent
  }
  return join(dir, LAUNCHER_PROJECT)
}

/** Fails with an install hint when `command` cannot be run at all. */
async function requireTool(command: string, args: string[], what: string): Promise<void> {
  try {
    await run(command, args)
  } catch (error) {
    throw new EngramError(
      'STORE_UNAVAILABLE',
      `the local Neo4j needs ${what} (\`${command}\`), once, to build its launcher: ${(error as Error).message}. Install it, or set NEO4J_URI to a running Neo4j`,
      { cause: error },
    )
  }
}

/** Runs a command to its end; rejects with its last output lines when it fails. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const output: string[] = []
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')))
    child.once('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code === 'ENOENT' ? `${command} is not on PATH` : error.message)))
    child.once('exit', (code) => {
      if (code === 0) resolve()
      else
        reject(
          new Error(`\`${command} ${args.join(' ')}\` failed (exit code ${code}):\n${output.join('').split('\n').slice(-LOG_TAIL_LINES).join('\n').trim()}`),
        )
    })
  })
}
