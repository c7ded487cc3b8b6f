import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { journalEntries } from '../helpers/journal-entries.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { type EngramConfig, EngramError, type LLM, Memory, type RecoveryReport } from '../../src/index.js'
import { defaultCacheDir } from '../../src/services/local-services.js'
import { startLocalNeo4j } from '../../src/services/neo4j-service.js'
import { startLocalWeaviate } from '../../src/services/weaviate-service.js'
import { selectedBackends } from '../setup/backend-selection.js'
import { neo4jGraphStore } from '../contract/neo4j-backend.js'
import { weaviateVectorStore } from '../contract/weaviate-backend.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { TcpProxy } from '../helpers/tcp-proxy.js'
import { type AcknowledgedAdd, expectConsistent } from './consistency.js'
import { conversationLLM, conversationOf } from './conversation-llm.js'

/*
 * Store faults: Neo4j and Weaviate down at start, going down in the middle of an
 * add, and coming back. The real servers sit behind loopback proxies that refuse or drop
 * connections on cue; each fault must give a defined outcome and leave nothing half-written.
 */

const SCOPE = { userId: 'faults' }
const servers = selectedBackends()
const bothServers = servers.has('neo4j') && servers.has('weaviate')

describe.skipIf(!bothServers)('store faults against real Neo4j and Weaviate', () => {
  let bolt: TcpProxy
  let http: TcpProxy
  let grpc: TcpProxy
  const proxies = () => [bolt, http, grpc]

  beforeAll(async () => {
    // Holds the shared Neo4j for this file (neo4j-backend.ts) and empties it.
    await (await neo4jGraphStore.open()).close()
    bolt = await TcpProxy.start(Number(new URL(process.env.NEO4J_URI!).port))
    http = await TcpProxy.start(Number(new URL(process.env.WEAVIATE_URL!).port))
    grpc = await TcpProxy.start(Number(process.env.WEAVIATE_GRPC_PORT))
  })
  afterAll(async () => {
    await Promise.all(proxies().map((proxy) => proxy?.close()))
  })

  /** Stops one server (its proxies refuse and drop everything), or brings it back. */
  const neo4jDown = (down: boolean) => setMode([bolt], down)
  const weaviateDown = (down: boolean) => setMode([http, grpc], down)
  function setMode(group: TcpProxy[], down: boolean): void {
    for (const proxy of group) {
      proxy.mode = down ? 'refuse' : 'forward'
      if (down) proxy.dropAll()
    }
  }

  function configOf(dataDir: string, collection: string): EngramConfig {
    return {
      dataDir,
      // Every add after the first asks the graph-update step: the cue for "after the LLM, before the writes".
      graph: { updateOn: 'touch' },
      vectorStore: { provider: 'weaviate', config: { url: `http://127.0.0.1:${http.port}`, grpcPort: grpc.port, collection } },
      graphStore: {
        provider: 'neo4j',
        config: { url: `bolt://127.0.0.1:${bolt.port}`, username: process.env.NEO4J_USERNAME ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? 'neo4j' },
      },
    }
  }

  /**
   * A Memory on the proxied servers whose LLM answers add `n` of the conversation and then calls
   * `afterStep` with the tool it answered: the cue for a fault in the middle of an add.
   */
  async function withMemory(test: (memory: Memory, dataDir: string, cue: Cue) => Promise<void>): Promise<void> {
    const dataDir = mkdtempSync(join(tmpdir(), 'engram-faults-'))
    const cue: Cue = { add: 0, afterStep: () => undefined }
    const scripted = conversationLLM(() => cue.add)
    const llm: LLM = {
      model: scripted.model,
      chat: async (request) => {
        const answer = await scripted.chat(request)
        cue.afterStep(request.toolChoice.type === 'tool' ? request.toolChoice.name : 'required')
        return answer
      },
    }
    const memory = await Memory.create(configOf(dataDir, weaviateVectorStore.location()), { llm, embedder: new HashEmbedder(1024) })
    try {
      await test(memory, dataDir, cue)
    } finally {
      neo4jDown(false)
      weaviateDown(false)
      await memory.reset()
      await memory.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }

  const unfinishedEntries = async (dataDir: string) => journalEntries(dataDir)

  it.each([
    ['Neo4j', neo4jDown],
    ['Weaviate', weaviateDown],
  ] as const)(
    '%s down at start: create fails with STORE_UNAVAILABLE naming it, and succeeds once it is back',
    async (name, down) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'engram-faults-'))
      const config = configOf(dataDir, weaviateVectorStore.location())
      try {
        down(true)
        const failure = await Memory.create(config, { embedder: new HashEmbedder(1024) }).catch((error: unknown) => error)
        expect(failure).toBeInstanceOf(EngramError)
        expect((failure as EngramError).code).toBe('STORE_UNAVAILABLE')
        expect((failure as EngramError).message).toContain(name)
        down(false)
        const memory = await Memory.create(config, { embedder: new HashEmbedder(1024) })
        await memory.close()
      } finally {
        down(false)
        rmSync(dataDir, { recursive: true, force: true })
      }
    },
    60_000,
  )

  it('Neo4j goes down before the graph write: the facts stay, the graph stage reports it, and recover() settles the add once Neo4j is back', async () => {
    await withMemory(async (memory, dataDir, cue) => {
      const acked = await addInTurn(memory, cue, [0, 1, 2])
      const graphBefore = await memory.graph.export(SCOPE, 'json')
      cue.add = 3
      // The graph-update step is add 3's last LLM call: Neo4j goes down after it, before any write.
      cue.afterStep = (tool) => tool === 'required' && neo4jDown(true)
      const result = await memory.add(conversationOf(3), SCOPE)
      cue.afterStep = () => undefined
      expect(result.results.filter((event) => event.event === 'ADD')).toHaveLength(2)
      expect(result.errors?.map((error) => error.stage)).toEqual(['graph'])
      expect(result.errors?.[0]?.message).toMatch(/Neo4j/)
      expect(result.relations.added).toEqual([])
      expect(await unfinishedEntries(dataDir), 'the failed graph write stays journaled').toHaveLength(1)

      neo4jDown(false)
      expect(await memory.graph.export(SCOPE, 'json'), 'nothing of add 3 reached the graph').toBe(graphBefore)
      const report = await recoverWithin(memory, 60_000)
      expect(report).toMatchObject({ completed: 1, rolledBack: 0, failed: [] })
      expect(await unfinishedEntries(dataDir)).toEqual([])
      // Add 3 reported its graph stage failed, so it adds no relation; the memory it deleted still
      // leaves the graph's provenance (a relation it alone supported goes).
      const relationIds = (json: string) => (JSON.parse(json) as { relations: Array<{ id: string }> }).relations.map((relation) => relation.id)
      const before = relationIds(graphBefore)
      const after = relationIds(await memory.graph.export(SCOPE, 'json'))
      expect(after.every((id) => before.includes(id))).toBe(true)
      await expectConsistent(memory, dataDir, SCOPE, [...acked, { n: 3, result }])
      cue.add = 4
      expect((await memory.add(conversationOf(4), SCOPE)).errors).toBeUndefined()
    })
  }, 120_000)

  it('Neo4j stalls (connections accepted, never answered): the graph stage fails within the driver timeouts instead of hanging', async () => {
    await withMemory(async (memory, dataDir, cue) => {
      cue.add = 0
      await memory.add(conversationOf(0), SCOPE)
      cue.add = 1
      cue.afterStep = (tool) => {
        if (tool !== 'required' && tool !== 'extract_memories') return
        bolt.mode = 'stall'
        bolt.dropAll()
      }
      const result = await memory.add(conversationOf(1), SCOPE)
      cue.afterStep = () => undefined
      expect(result.results.filter((event) => event.event === 'ADD')).toHaveLength(2)
      expect(result.errors?.map((error) => error.stage)).toEqual(['graph'])
      neo4jDown(false)
      expect(await recoverWithin(memory, 60_000)).toMatchObject({ failed: [] })
      expect(await unfinishedEntries(dataDir)).toEqual([])
    })
  }, 120_000)

  it('the Weaviate process stopped and started again on its data: adds meanwhile fail cleanly, nothing stored before is lost', async () => {
    const weaviateDir = mkdtempSync(join(tmpdir(), 'engram-weaviate-restart-'))
    const dataDir = mkdtempSync(join(tmpdir(), 'engram-faults-'))
    let server = await startLocalWeaviate({ cacheDir: defaultCacheDir(), dataDir: weaviateDir })
    const cue: Cue = { add: 0, afterStep: () => undefined }
    const memory = await Memory.create(
      { dataDir, vectorStore: { provider: 'weaviate', config: { url: server.url, grpcPort: server.grpcPort } }, graphStore: { provider: 'sqlite' } },
      { llm: conversationLLM(() => cue.add), embedder: new HashEmbedder(1024) },
    )
    try {
      const acked = await addInTurn(memory, cue, [0, 1, 2])
      const stored = (await memory.getAll({ ...SCOPE, limit: 1000 })).results.map((item) => item.id).sort()
      await server.stop()

      cue.add = 3
      const whileDown = await memory.add(conversationOf(3), SCOPE)
      expect(whileDown.results).toEqual([])
      expect(whileDown.errors?.map((error) => error.stage)).toEqual(['facts'])
      expect(whileDown.errors?.[0]?.message).toMatch(/Weaviate/)

      server = await startLocalWeaviate({
        cacheDir: defaultCacheDir(),
        dataDir: weaviateDir,
        port: Number(new URL(server.url).port),
        grpcPort: server.grpcPort,
      })
      expect(await recoverWithin(memory, 60_000)).toMatchObject({ failed: [] })
      expect(await unfinishedEntries(dataDir)).toEqual([])
      // The gRPC channel reconnects with a backoff that grew while the server was down; reads
      // answer STORE_UNAVAILABLE until it has.
      const after = (await readableWithin(() => memory.getAll({ ...SCOPE, limit: 1000 }), 60_000)).results.map((item) => item.id).sort()
      expect(after, 'every memory stored before the stop is still there').toEqual(stored)
      for (const { result } of acked) for (const event of result.results) expect(after).toContain(event.id)
      cue.add = 4
      expect((await memory.add(conversationOf(4), SCOPE)).errors).toBeUndefined()
    } finally {
      await memory.close()
      await server.stop()
      rmSync(weaviateDir, { recursive: true, force: true })
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 240_000)

  it('the Neo4j process stopped and a new one started on its port: the add meanwhile keeps its facts and reports the graph stage; adds work again after', async () => {
    // The embedded harness starts every process with an empty database, so this is about the
    // engine reconnecting to a server that went away, not about Neo4j keeping its files.
    const neo4jDir = mkdtempSync(join(tmpdir(), 'engram-neo4j-restart-'))
    const dataDir = mkdtempSync(join(tmpdir(), 'engram-faults-'))
    let server = await startLocalNeo4j({ cacheDir: defaultCacheDir(), dataDir: neo4jDir })
    const cue: Cue = { add: 0, afterStep: () => undefined }
    const memory = await Memory.create(
      {
        dataDir,
        vectorStore: { provider: 'sqlite' },
        graphStore: { provider: 'neo4j', config: { url: server.uri, username: server.username, password: server.password } },
      },
      { llm: conversationLLM(() => cue.add), embedder: new HashEmbedder(1024) },
    )
    try {
      await addInTurn(memory, cue, [0, 1])
      await server.stop()

      cue.add = 2
      const whileDown = await memory.add(conversationOf(2), SCOPE)
      expect(whileDown.results.filter((event) => event.event === 'ADD')).toHaveLength(2)
      expect(whileDown.errors?.map((error) => error.stage)).toEqual(['graph'])
      expect(whileDown.errors?.[0]?.message).toMatch(/Neo4j/)

      server = await startLocalNeo4j({ cacheDir: defaultCacheDir(), dataDir: neo4jDir, port: Number(new URL(server.uri).port) })
      expect(await recoverWithin(memory, 60_000)).toMatchObject({ failed: [] })
      expect(await unfinishedEntries(dataDir)).toEqual([])
      cue.add = 3
      const after = await memory.add(conversationOf(3), SCOPE)
      expect(after.errors).toBeUndefined()
      expect(after.relations.added).toHaveLength(2)
    } finally {
      await memory.close()
      await server.stop()
      rmSync(neo4jDir, { recursive: true, force: true })
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 300_000)

  it('Weaviate goes down before the vector write: the add fails with STORE_UNAVAILABLE, writes nothing, and recover() undoes its traces once Weaviate is back', async () => {
    await withMemory(async (memory, dataDir, cue) => {
      const acked = await addInTurn(memory, cue, [0, 1, 2])
      const memoriesBefore = (await memory.getAll({ ...SCOPE, limit: 1000 })).results.map((item) => item.id).sort()
      const graphBefore = await memory.graph.export(SCOPE, 'json')
      cue.add = 3
      cue.afterStep = (tool) => tool === 'required' && weaviateDown(true)
      const failure = await memory.add(conversationOf(3), SCOPE).catch((error: unknown) => error)
      cue.afterStep = () => undefined
      expect(failure).toBeInstanceOf(EngramError)
      expect((failure as EngramError).code).toBe('STORE_UNAVAILABLE')
      expect(await memory.graph.export(SCOPE, 'json'), 'no relation cites the facts that were not stored').toBe(graphBefore)

      weaviateDown(false)
      // The client reconnects with a backoff; recover() fails until it has, and is simply called again.
      const report = await recoverWithin(memory, 60_000)
      expect(report).toMatchObject({ rolledBack: 1, failed: [] })
      expect(await unfinishedEntries(dataDir)).toEqual([])
      const memoriesAfter = (await memory.getAll({ ...SCOPE, limit: 1000 })).results.map((item) => item.id).sort()
      expect(memoriesAfter, 'add 3 left no memory behind').toEqual(memoriesBefore)
      await expectConsistent(memory, dataDir, SCOPE, acked)
    })
  }, 180_000)
})

/** Adds these numbered conversations one after another, as acknowledged adds. */
async function addInTurn(memory: Memory, cue: Cue, numbers: number[]): Promise<AcknowledgedAdd[]> {
  const acked: AcknowledgedAdd[] = []
  for (const n of numbers) {
    cue.add = n
    acked.push({ n, result: await memory.add(conversationOf(n), SCOPE) })
  }
  return acked
}

/** Calls `read` until it stops failing with STORE_UNAVAILABLE (a store still reconnecting), at most `ms`. */
async function readableWithin<T>(read: () => Promise<T>, ms: number): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      return await read()
    } catch (error) {
      if (!(error instanceof EngramError && error.code === 'STORE_UNAVAILABLE') || Date.now() > deadline) throw error
      await sleep(500)
    }
  }
}

/** Calls recover() until no entry fails (a store still reconnecting), at most `ms`. */
async function recoverWithin(memory: Memory, ms: number): Promise<RecoveryReport> {
  const deadline = Date.now() + ms
  for (;;) {
    const report = await memory.recover()
    if (report.failed.length === 0 || Date.now() > deadline) return report
    await sleep(500)
  }
}

interface Cue {
  add: number
  afterStep: (tool: string) => unknown
}
