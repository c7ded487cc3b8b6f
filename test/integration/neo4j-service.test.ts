import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import neo4j from 'neo4j-driver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngramError } from '../../src/errors.js'
import { defaultCacheDir } from '../../src/services/local-services.js'
import { ensureNeo4jLauncher, startLocalNeo4j } from '../../src/services/neo4j-service.js'

// The shared cache, so that this file builds the launcher at most once per machine, as users do.
const cacheDir = defaultCacheDir()
const serviceModule = pathToFileURL(fileURLToPath(new URL('../../src/services/neo4j-service.ts', import.meta.url))).href

/** A JVM start takes 10–20 s on two busy cores; a first build adds Maven's downloads. */
const START_TIMEOUT_MS = 240_000

let dataRoot: string

beforeAll(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'engram-neo4j-service-'))
  await ensureNeo4jLauncher({ cacheDir })
}, START_TIMEOUT_MS)

afterAll(async () => {
  await rm(dataRoot, { recursive: true, force: true })
})

describe('local Neo4j service', () => {
  it(
    'starts on loopback, answers Bolt with any password, and is gone after stop()',
    async () => {
      const server = await startLocalNeo4j({ cacheDir, dataDir: join(dataRoot, 'first') })
      try {
        expect(server.uri).toMatch(/^bolt:\/\/127\.0\.0\.1:\d+$/)
        const driver = neo4j.driver(server.uri, neo4j.auth.basic(server.username, 'not-the-password'))
        try {
          const result = await driver.executeQuery('RETURN 40 + $two AS answer', { two: neo4j.int(2) })
          expect(result.records[0]?.get('answer').toNumber()).toBe(42)
        } finally {
          await driver.close()
        }
      } finally {
        await server.stop()
      }
      expect(isAlive(server.pid)).toBe(false)
    },
    START_TIMEOUT_MS,
  )

  it(
    'dies with the process that started it, even when that one is killed with SIGKILL',
    async () => {
      // The parent is a separate Node process: it starts Neo4j, reports its pid, and waits.
      const parent = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          `const { startLocalNeo4j } = await import(${JSON.stringify(serviceModule)})
           const server = await startLocalNeo4j({ cacheDir: ${JSON.stringify(cacheDir)}, dataDir: ${JSON.stringify(join(dataRoot, 'orphan'))} })
           console.log('PID ' + server.pid)
           setInterval(() => {}, 60_000)`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      )
      const pid = await new Promise<number>((resolve, reject) => {
        let output = ''
        parent.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8')
          const match = /^PID (\d+)$/m.exec(output)
          if (match !== null) resolve(Number(match[1]))
        })
        parent.once('exit', (code) => reject(new Error(`the parent exited (${code}) before Neo4j was ready: ${output}`)))
      })
      expect(isAlive(pid)).toBe(true)
      parent.kill('SIGKILL')
      // Its stdin pipe closes with the parent; the launcher then shuts Neo4j down (about a second).
      const deadline = Date.now() + 30_000
      while (isAlive(pid) && Date.now() < deadline) await sleep(100)
      expect(isAlive(pid)).toBe(false)
    },
    START_TIMEOUT_MS,
  )

  it('reuses the cached build: a new process finds it in well under a second of its own work', async () => {
    const started = performance.now()
    const folder = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          `const { ensureNeo4jLauncher } = await import(${JSON.stringify(serviceModule)})
           const started = performance.now()
           const folder = await ensureNeo4jLauncher({ cacheDir: ${JSON.stringify(cacheDir)} })
           console.log(JSON.stringify({ folder, ms: performance.now() - started }))`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      )
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
      child.once('exit', (code) => {
        if (code !== 0) return reject(new Error(`exit code ${code}: ${output}`))
        const { folder: found, ms } = JSON.parse(output) as { folder: string; ms: number }
        expect(ms).toBeLessThan(1000)
        resolve(found)
      })
    })
    expect(folder).toBe(await ensureNeo4jLauncher({ cacheDir }))
    // Node and tsx start-up included: a build would take Maven tens of seconds.
    expect(performance.now() - started).toBeLessThan(15_000)
  })

  it(
    "fails with the launcher's last output when Neo4j cannot start",
    async () => {
      // A port this process already listens on: Bolt cannot bind it.
      const taken = createServer()
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
      try {
        const port = (taken.address() as AddressInfo).port
        const outcome = await startLocalNeo4j({ cacheDir, dataDir: join(dataRoot, 'failing'), port }).then(
          async (server) => {
            await server.stop()
            return undefined
          },
          (reason: unknown) => reason,
        )
        expect(outcome).toBeInstanceOf(EngramError)
        expect((outcome as EngramError).code).toBe('STORE_UNAVAILABLE')
        expect((outcome as EngramError).message).toMatch(/exited before it was ready[\s\S]*its last output:[\s\S]*[Aa]ddress already in use/)
      } finally {
        taken.close()
      }
    },
    START_TIMEOUT_MS,
  )

  it('says what to install when Java or Maven is missing', async () => {
    const path = process.env.PATH
    process.env.PATH = ''
    try {
      const error = await ensureNeo4jLauncher({ cacheDir: join(dataRoot, 'empty-cache') }).then(
        () => undefined,
        (reason: unknown) => reason,
      )
      expect(error).toBeInstanceOf(EngramError)
      expect((error as EngramError).message).toMatch(/needs a JDK 17 or newer \(`java`\)[\s\S]*or set NEO4J_URI/)
    } finally {
      process.env.PATH = path
    }
  })
})

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  // An exited process that its new parent (after ours was killed) has not reaped yet is a zombie: gone all the same.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return true
  }
}
