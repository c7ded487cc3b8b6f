import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import type { StartedTestContainer } from 'testcontainers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SqliteJournal } from '../../src/adapters/sqlite/sqlite-journal.js'
import { type EngramConfig, EngramError, type LLM, Memory } from '../../src/index.js'
import { neo4jGraphStore } from '../contract/neo4j-backend.js'
import { weaviateVectorStore } from '../contract/weaviate-backend.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { type AcknowledgedAdd, expectConsistent } from '../reliability/consistency.js'
import { conversationLLM, conversationOf } from '../reliability/conversation-llm.js'
import { composeContainer, composeService } from '../setup/services.js'

/*
 * The store faults of test/reliability/store-faults.test.ts, from outside the process: a server's
 * container is killed (SIGKILL, `docker kill`) in the middle of an add, after the LLM has answered
 * and before the writes, then started again on its own data. The add must end in the documented
 * outcome, nothing acknowledged may be lost through the kill, and recover() must settle the add.
 * Needs a Docker engine and the images of docker-compose.yml: it runs in the container part of CI
 * (ENGRAM_SERVICES=containers), where the global setup also provides the other server.
 */

const SCOPE = { userId: 'container-kill' }
const docker = (...args: string[]) => promisify(execFile)('docker', args, { timeout: 60_000 })

describe.skipIf(process.env.ENGRAM_SERVICES !== 'containers')('a server container killed mid-add', () => {
  const dataDirs: string[] = []
  const newDataDir = () => dataDirs[dataDirs.push(mkdtempSync(join(tmpdir(), 'engram-kill-'))) - 1]!
  beforeAll(async () => {
    // Holds the shared Neo4j for this file (neo4j-backend.ts) and empties it.
    await (await neo4jGraphStore.open()).close()
  })
  afterAll(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true })
  })

  it('Neo4j: the add keeps its facts and reports the graph stage; the restarted server has every relation from before, and recover() completes the add', async () => {
    const { container, port } = await startOnFixedPorts('neo4j', 7687)
    const [username, password] = composeService('neo4j').environment.NEO4J_AUTH!.split('/')
    const dataDir = newDataDir()
    const config: EngramConfig = {
      dataDir,
      graph: { updateOn: 'touch' },
      vectorStore: {
        provider: 'weaviate',
        config: { url: process.env.WEAVIATE_URL!, grpcPort: Number(process.env.WEAVIATE_GRPC_PORT), collection: weaviateVectorStore.location() },
      },
      graphStore: { provider: 'neo4j', config: { url: `bolt://127.0.0.1:${port}`, username: username!, password: password! } },
    }
    const { memory, cue } = await memoryWithCue(config)
    try {
      const acked = await addInTurn(memory, cue, [0, 1, 2])
      const graphBefore = await memory.graph.export(SCOPE, 'json')
      cue.add = 3
      // The graph-update step is add 3's last LLM call: the container dies after it, before any write.
      cue.afterStep = (tool) => (tool === 'required' ? kill(container) : undefined)
      const result = await memory.add(conversationOf(3), SCOPE)
      cue.afterStep = () => undefined
      expect(result.results.filter((event) => event.event === 'ADD')).toHaveLength(2)
      expect(result.errors?.map((error) => error.stage)).toEqual(['graph'])
      expect(result.errors?.[0]?.message).toMatch(/Neo4j/)
      expect(await unfinishedEntries(dataDir, memory), 'the failed graph write stays journaled').toHaveLength(1)

      await restart(container)
      const graphAfterRestart = await retryWhileUnavailable(() => memory.graph.export(SCOPE, 'json'))
      expect(graphAfterRestart, 'the killed server kept every committed relation, and nothing of add 3').toBe(graphBefore)
      expect(
        await retryWhileUnavailable(
          () => memory.recover(),
          (report) => report.failed.length === 0,
        ),
      ).toMatchObject({ completed: 1, rolledBack: 0, failed: [] })
      await expectConsistent(memory, dataDir, SCOPE, [...acked, { n: 3, result }])
      cue.add = 4
      expect((await memory.add(conversationOf(4), SCOPE)).errors).toBeUndefined()
    } finally {
      await memory.reset().catch(() => undefined)
      await memory.close()
      await container.stop({ remove: true, removeVolumes: true })
    }
  }, 420_000)

  it('Weaviate: the add fails with STORE_UNAVAILABLE and writes nothing; the restarted server has every memory from before, and recover() rolls the add back', async () => {
    const { container, port, ports } = await startOnFixedPorts('weaviate', 8080)
    const dataDir = newDataDir()
    const config: EngramConfig = {
      dataDir,
      graph: { updateOn: 'touch' },
      vectorStore: { provider: 'weaviate', config: { url: `http://127.0.0.1:${port}`, grpcPort: ports[50051]! } },
      graphStore: { provider: 'neo4j', config: { url: process.env.NEO4J_URI!, username: process.env.NEO4J_USERNAME!, password: process.env.NEO4J_PASSWORD! } },
    }
    const { memory, cue } = await memoryWithCue(config)
    try {
      const acked = await addInTurn(memory, cue, [0, 1, 2])
      const memoriesBefore = (await memory.getAll({ ...SCOPE, limit: 1000 })).results.map((item) => item.id).sort()
      const graphBefore = await memory.graph.export(SCOPE, 'json')
      cue.add = 3
      cue.afterStep = (tool) => (tool === 'required' ? kill(container) : undefined)
      const failure = await memory.add(conversationOf(3), SCOPE).catch((error: unknown) => error)
      cue.afterStep = () => undefined
      expect(failure).toBeInstanceOf(EngramError)
      expect((failure as EngramError).code).toBe('STORE_UNAVAILABLE')
      expect(await memory.graph.export(SCOPE, 'json'), 'no relation cites the facts that were not stored').toBe(graphBefore)

      await restart(container)
      // The gRPC channel reconnects with a backoff; recover() fails until it has, and is simply called again.
      expect(
        await retryWhileUnavailable(
          () => memory.recover(),
          (report) => report.failed.length === 0,
        ),
      ).toMatchObject({ rolledBack: 1, failed: [] })
      const memoriesAfter = (await retryWhileUnavailable(() => memory.getAll({ ...SCOPE, limit: 1000 }))).results.map((item) => item.id).sort()
      expect(memoriesAfter, 'the killed server kept every memory stored before, and nothing of add 3').toEqual(memoriesBefore)
      await expectConsistent(memory, dataDir, SCOPE, acked)
      cue.add = 4
      expect((await memory.add(conversationOf(4), SCOPE)).errors).toBeUndefined()
    } finally {
      await memory.reset().catch(() => undefined)
      await memory.close()
      await container.stop({ remove: true, removeVolumes: true })
    }
  }, 420_000)
})

interface Cue {
  add: number
  afterStep: (tool: string) => Promise<void> | undefined
}

/** A Memory whose scripted LLM answers add `cue.add` and then awaits `cue.afterStep` with the tool it answered. */
async function memoryWithCue(config: EngramConfig): Promise<{ memory: Memory; cue: Cue }> {
  const cue: Cue = { add: 0, afterStep: () => undefined }
  const scripted = conversationLLM(() => cue.add)
  const llm: LLM = {
    model: scripted.model,
    chat: async (request) => {
      const answer = await scripted.chat(request)
      await cue.afterStep(request.toolChoice.type === 'tool' ? request.toolChoice.name : 'required')
      return answer
    },
  }
  return { memory: await Memory.create(config, { llm, embedder: new HashEmbedder(1024) }), cue }
}

/**
 * A container of a docker-compose.yml service whose ports are fixed free host ports, so that it
 * is at the same address after a restart (Docker maps ports anew otherwise).
 */
async function startOnFixedPorts(service: string, mainPort: number) {
  const ports: Record<number, number> = {}
  for (const port of composeService(service).containerPorts) ports[port] = await freePort()
  const container: StartedTestContainer = await (await composeContainer(service, ports)).start()
  return { container, port: ports[mainPort]!, ports }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** SIGKILL from outside, as a crash or the OOM killer would end it. */
async function kill(container: StartedTestContainer): Promise<void> {
  await docker('kill', '--signal', 'KILL', container.getId())
}

/** Starts the killed container again on its own file system and waits for its health check. */
async function restart(container: StartedTestContainer): Promise<void> {
  await docker('start', container.getId())
  const deadline = Date.now() + 300_000
  for (;;) {
    const { stdout } = await docker('inspect', '--format', '{{.State.Health.Status}}', container.getId())
    if (stdout.trim() === 'healthy') return
    if (Date.now() > deadline) throw new Error(`the restarted container is ${stdout.trim()} after 300 s`)
    await sleep(1_000)
  }
}

/** Calls `call` until it neither fails with STORE_UNAVAILABLE (a client still reconnecting) nor returns what `done` refuses, for at most 90 s. */
async function retryWhileUnavailable<T>(call: () => Promise<T>, done: (value: T) => boolean = () => true): Promise<T> {
  const deadline = Date.now() + 90_000
  for (;;) {
    try {
      const value = await call()
      if (done(value) || Date.now() > deadline) return value
    } catch (error) {
      if (!(error instanceof EngramError && error.code === 'STORE_UNAVAILABLE') || Date.now() > deadline) throw error
    }
    await sleep(500)
  }
}

async function addInTurn(memory: Memory, cue: Cue, numbers: number[]): Promise<AcknowledgedAdd[]> {
  const acked: AcknowledgedAdd[] = []
  for (const n of numbers) {
    cue.add = n
    acked.push({ n, result: await memory.add(conversationOf(n), SCOPE) })
  }
  return acked
}

async function unfinishedEntries(dataDir: string, memory: Memory) {
  const journal = await SqliteJournal.open({ path: join(dataDir, 'journal.db'), stores: memory.storeLocations })
  try {
    return await journal.unfinished()
  } finally {
    await journal.close()
  }
}
