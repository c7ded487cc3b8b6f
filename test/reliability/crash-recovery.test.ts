import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { SqliteHistoryStore } from '../../src/adapters/sqlite/sqlite-history-store.js'
import { Memory, type MemoryAdapters } from '../../src/index.js'
import { EMBEDDED_STORES, MEMORY_BACKENDS, type MemoryBackend } from '../contract/backends.js'
import { neo4jGraphStore } from '../contract/neo4j-backend.js'
import { weaviateVectorStore } from '../contract/weaviate-backend.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import type { ChildOrder } from './crash-child.js'
import { type AcknowledgedAdd, expectConsistent } from './consistency.js'
import { conversationLLM, conversationOf } from './conversation-llm.js'

/*
 * A child process runs adds and is killed with SIGKILL at chosen points of an add
 * (before and after the vector write, during and after the graph transaction, before and after the
 * history write) and at random moments. After a restart, the journal's recovery must leave facts,
 * graph and history in agreement, with every acknowledged add kept.
 */

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url))
const SCOPE = { userId: 'crash' }
/** Add 7 also rewrites and deletes stored memories (conversation-llm.ts), so its crash tests updates, deletes and provenance. */
const CRASH_ADD = 7

const CRASH_POINTS = [
  'vector.insert:before',
  'vector.insert:after',
  'vector.update:after',
  'graph.apply:during',
  'graph.apply:after',
  'history.restore:before',
  'history.restore:after',
  'graph.clearOperations:before',
]

interface ChildRun {
  signal: NodeJS.Signals | null
  code: number | null
  acked: AcknowledgedAdd[]
  stderr: string
}

/** Runs a child to its end or its own crash; with `killAfterFirstAckMs`, kills it that long after its first acknowledged add. */
function runChild(order: ChildOrder, killAfterFirstAckMs?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, CRASH_CHILD: JSON.stringify(order) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let timer: NodeJS.Timeout | undefined
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (killAfterFirstAckMs !== undefined && timer === undefined && stdout.includes('ACK ')) {
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterFirstAckMs)
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const acked = stdout
        .split('\n')
        .filter((line) => line.startsWith('ACK '))
        .map((line) => {
          const [, n, ...json] = line.split(' ')
          return { n: Number(n), result: JSON.parse(json.join(' ')) }
        })
      resolve({ signal, code, acked, stderr })
    })
  })
}

/** The stores a restarted process opens: the same files, the same servers, the same collection. */
async function reopen(backend: MemoryBackend, dataDir: string, collection: string | undefined): Promise<MemoryAdapters> {
  const historyStore = await SqliteHistoryStore.open({ path: join(dataDir, 'history.db') })
  if (backend.name === 'sqlite') return { historyStore }
  return { historyStore, vectorStore: await weaviateVectorStore.open(collection), graphStore: await neo4jGraphStore.open() }
}

describe.each(MEMORY_BACKENDS)('crash recovery on $name', (backend) => {
  const collectionFor = () => (backend.name === 'sqlite' ? undefined : weaviateVectorStore.location())
  const configOf = (dataDir: string) => ({ dataDir, ...(backend.name === 'sqlite' ? EMBEDDED_STORES : {}) })

  it.each(CRASH_POINTS)(
    'killed at %s in the middle of an add: recovery completes or undoes it',
    async (crashAt) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'engram-crash-'))
      const collection = collectionFor()
      const run = await runChild({
        dataDir,
        backend: backend.name as ChildOrder['backend'],
        collection,
        from: 0,
        count: CRASH_ADD + 1,
        crashAt,
        crashInAdd: CRASH_ADD,
      })
      expect(run.signal, run.stderr).toBe('SIGKILL')
      // A kill "during" a SQLite apply lands after it: better-sqlite3 commits synchronously, so the add may be acknowledged first.
      const acknowledged = run.acked.map(({ n }) => n)
      expect(acknowledged.slice(0, CRASH_ADD)).toEqual([...Array(CRASH_ADD).keys()])
      expect(acknowledged.length).toBeLessThanOrEqual(crashAt.endsWith(':during') ? CRASH_ADD + 1 : CRASH_ADD)

      let add = CRASH_ADD + 1
      const memory = await Memory.create(configOf(dataDir), {
        embedder: new HashEmbedder(1024),
        llm: conversationLLM(() => add),
        ...(await reopen(backend, dataDir, collection)),
      })
      try {
        await expectConsistent(memory, dataDir, SCOPE, run.acked)
        // And the engine goes on: the next add works on the recovered stores.
        const next = await memory.add(conversationOf(add), SCOPE)
        expect(next.errors).toBeUndefined()
        add += 1
        await expectConsistent(memory, dataDir, SCOPE, [...run.acked, { n: add - 1, result: next }])
      } finally {
        await memory.reset()
        await memory.close()
        rmSync(dataDir, { recursive: true, force: true })
      }
    },
    120_000,
  )

  it('killed at random moments, three times over: each restart recovers and nothing acknowledged is lost', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'engram-crash-'))
    const collection = collectionFor()
    const acked: ChildRun['acked'] = []
    try {
      let from = 0
      for (const killAfterMs of [150, 400, 700]) {
        const run = await runChild({ dataDir, backend: backend.name as ChildOrder['backend'], collection, from, count: 200 }, killAfterMs)
        expect(run.signal, run.stderr).toBe('SIGKILL')
        acked.push(...run.acked)
        from = (run.acked.at(-1)?.n ?? from - 1) + 1
      }
      const memory = await Memory.create(configOf(dataDir), { embedder: new HashEmbedder(1024), ...(await reopen(backend, dataDir, collection)) })
      try {
        expect(acked.length).toBeGreaterThan(0)
        await expectConsistent(memory, dataDir, SCOPE, acked)
      } finally {
        await memory.reset()
        await memory.close()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 180_000)
})
