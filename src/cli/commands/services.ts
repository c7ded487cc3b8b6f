import { spawn } from 'node:child_process'
import { openSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { defaultCacheDir, type ServiceEnv, startLocalServices } from '../../services/local-services.js'
import { type ParsedArgs, UsageError } from '../args.js'

/**
 * `engram services up|down|status`: local Neo4j and Weaviate for a person, outliving the command.
 * `up` starts a detached supervisor process (`services supervise`) that owns both servers and
 * writes their settings to a state file once they answer; `down` stops the supervisor, which
 * stops the servers. Everything lives under `~/.cache/engram/services`.
 */
interface State {
  supervisor: number
  env: Partial<ServiceEnv>
}

const servicesDir = () => join(defaultCacheDir(), 'services')
const stateFile = () => join(servicesDir(), 'state.json')
const logFile = () => join(servicesDir(), 'supervisor.log')
/** First-time builds (Weaviate from source, Neo4j from Maven Central) take minutes. */
const UP_TIMEOUT_MS = 30 * 60_000

export async function services({ values, rest }: ParsedArgs): Promise<number> {
  switch (rest[0]) {
    case 'up':
      return print(await up(), values.json === true)
    case 'down':
      await down()
      console.log(values.json ? JSON.stringify({ stopped: true }) : 'services stopped')
      return 0
    case 'status': {
      const state = await runningState()
      if (values.json) console.log(JSON.stringify({ running: state !== null, ...(state ? { env: state.env } : {}) }))
      else console.log(state ? `running (supervisor pid ${state.supervisor})\n${exports(state.env)}` : 'not running')
      return state ? 0 : 1
    }
    case 'supervise':
      return supervise()
    default:
      throw new UsageError('services takes up, down or status')
  }
}

async function up(): Promise<State> {
  const running = await runningState()
  if (running) return running
  await mkdir(servicesDir(), { recursive: true })
  await rm(stateFile(), { force: true })
  const log = openSync(logFile(), 'w')
  // argv[1] is this CLI's own script: the supervisor is the same program in another mode.
  const child = spawn(process.execPath, [process.argv[1]!, 'services', 'supervise'], {
    detached: true,
    stdio: ['ignore', log, log],
  })
  child.unref()
  process.stderr.write(`starting Neo4j and Weaviate (first run builds them; log: ${logFile()})`)
  const deadline = Date.now() + UP_TIMEOUT_MS
  while (Date.now() < deadline) {
    const state = await runningState()
    if (state) {
      process.stderr.write('\n')
      return state
    }
    if (!alive(child.pid ?? -1)) {
      const tail = (await readFile(logFile(), 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n')
      throw new Error(`the services did not start:\n${tail}`)
    }
    process.stderr.write('.')
    await sleep(2000)
  }
  throw new Error(`the services did not answer within ${UP_TIMEOUT_MS / 60_000} minutes; see ${logFile()}`)
}

async function down(): Promise<void> {
  const state = await readState()
  if (state && alive(state.supervisor)) {
    process.kill(state.supervisor, 'SIGTERM')
    for (let waited = 0; waited < 60 && alive(state.supervisor); waited += 1) await sleep(500)
  }
  await rm(stateFile(), { force: true })
}

/** Runs in the detached process: owns both servers until SIGTERM. */
async function supervise(): Promise<number> {
  const running = await startLocalServices({ cacheDir: defaultCacheDir(), dataDir: join(servicesDir(), 'data') })
  const state: State = { supervisor: process.pid, env: running.env }
  await writeFile(stateFile(), JSON.stringify(state, null, 2))
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => resolve())
  })
  await running.stop()
  await rm(stateFile(), { force: true })
  return 0
}

async function readState(): Promise<State | null> {
  try {
    return JSON.parse(await readFile(stateFile(), 'utf8')) as State
  } catch {
    return null
  }
}

async function runningState(): Promise<State | null> {
  const state = await readState()
  return state && alive(state.supervisor) ? state : null
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function exports(env: Partial<ServiceEnv>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}=${value}`)
    .join('\n')
}

function print(state: State, json: boolean): number {
  console.log(json ? JSON.stringify({ env: state.env }) : exports(state.env))
  return 0
}
