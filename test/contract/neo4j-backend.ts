import { createHash } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll } from 'vitest'
import { Neo4jGraphStore } from '../../src/adapters/neo4j/neo4j-graph-store.js'
import type { GraphStore } from '../../src/ports.js'
import type { StoreBackend } from './backends.js'

/**
 * The Neo4j graph store for the contract suites, on the server `NEO4J_URI`, `NEO4J_USERNAME` and
 * `NEO4J_PASSWORD` name (the global setup, test/setup/services.ts, starts one when they are unset).
 *
 * Isolation: a test file cannot get a place of its own. Community Edition serves one database
 * (CREATE DATABASE is Enterprise-only), and the suites write fixed scopes (`{userId: "alice"}`),
 * so a random scope prefix is no way out either. Instead a test file takes an exclusive lock on
 * the server when it first opens a store and holds it until the file ends, and the suites'
 * `afterEach(reset)` empties the database between tests: test files that use Neo4j run one at a
 * time, everything else beside them. The file empties the database when it takes the lock, and
 * every location is the same database.
 */
export const neo4jGraphStore: StoreBackend<GraphStore> = {
  name: 'neo4j',
  location: () => server().url,
  open: async () => {
    const first = await holdServer()
    const store = await Neo4jGraphStore.open(server())
    // What a crashed or foreign run left behind must not meet this file's first test.
    if (first) await store.reset()
    return store
  },
}

// A file waits at most this long for the files before it; vitest's hookTimeout (vitest.config.ts)
// bounds the wait of the beforeAll that opens the first store anyway.
const LOCK_WAIT_MS = 110_000
const LOCK_POLL_MS = 200

let lock: string | undefined

// Registered in the root suite of each test file that imports this module, as backends.ts does;
// it runs after the suites' own afterAll hooks have closed their stores.
afterAll(async () => {
  if (lock !== undefined) await rm(lock, { recursive: true, force: true })
  lock = undefined
})

/**
 * Takes this server's lock for the rest of the file, if not held yet (then true): a folder (mkdir
 * either creates it or fails) holding the owner's pid. The lock of a process that died without releasing it is taken over.
 * Two files that find the same dead owner at the same moment could both take it over; that
 * needs a crash first and at worst lets two files overlap once.
 */
async function holdServer(): Promise<boolean> {
  if (lock !== undefined) return false
  const path = join(tmpdir(), `engram-neo4j-${createHash('sha256').update(server().url).digest('hex').slice(0, 16)}.lock`)
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      await mkdir(path)
      await writeFile(join(path, 'owner'), String(process.pid))
      lock = path
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const owner = Number(await readFile(join(path, 'owner'), 'utf8').catch(() => ''))
    // No owner yet: its mkdir has just succeeded and its pid is being written.
    if (owner > 0 && !isAlive(owner)) await rm(path, { recursive: true, force: true })
    else if (Date.now() > deadline)
      throw new Error(`another test file (pid ${owner}) has held the Neo4j at ${server().url} for over ${LOCK_WAIT_MS / 1000} s (lock ${path})`)
    else await sleep(LOCK_POLL_MS)
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function server(): { url: string; username: string; password: string } {
  const url = process.env.NEO4J_URI
  if (url === undefined || url === '') {
    throw new Error('the neo4j backend needs a running server: set NEO4J_URI (and NEO4J_USERNAME, NEO4J_PASSWORD), or leave it out with ENGRAM_BACKENDS=sqlite')
  }
  return { url, username: process.env.NEO4J_USERNAME ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '' }
}
