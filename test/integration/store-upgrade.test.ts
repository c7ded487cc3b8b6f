import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import neo4j from 'neo4j-driver'
import weaviate from 'weaviate-client'
import type { WeaviateClient } from 'weaviate-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { entityMatchText } from '../../src/adapters/graph-records.js'
import { Neo4jGraphStore } from '../../src/adapters/neo4j/neo4j-graph-store.js'
import { SqliteJournal } from '../../src/adapters/sqlite/sqlite-journal.js'
import { SqliteVectorStore } from '../../src/adapters/sqlite/sqlite-vector-store.js'
import { objectId } from '../../src/adapters/weaviate/memory-collection.js'
import { scopeEntries } from '../../src/adapters/weaviate/weaviate-filters.js'
import { WeaviateVectorStore } from '../../src/adapters/weaviate/weaviate-vector-store.js'
import { DEFAULT_WEAVIATE_GRPC_PORT } from '../../src/config/resolve.js'
import type { StoredMemory, VectorStore } from '../../src/ports.js'
import { Statements } from '../../src/statements.js'
import { selectedBackends } from '../setup/backend-selection.js'
import { neo4jGraphStore } from '../contract/neo4j-backend.js'
import { weaviateVectorStore } from '../contract/weaviate-backend.js'

/*
 * Stores written by the Engram before the memory lifecycle (no expiry, memory type or mentions)
 * keep working after the upgrade: their memories read back as facts that never expire, stated
 * once, and every lifecycle filter and operation treats them so.
 */

const WRITTEN = '2024-01-01T00:00:00.000Z'
const NOW = '2024-06-01T00:00:00.000Z'
const VECTOR = [1, 0, 0, 0]

/** What the upgraded store must return for the memory the old version wrote. */
const upgraded: StoredMemory = {
  id: 'old-1',
  text: 'likes green tea',
  hash: 'h1',
  metadata: { source: 'old' },
  scope: { userId: 'alice' },
  createdAt: WRITTEN,
  updatedAt: WRITTEN,
  observedAt: WRITTEN,
  expiresAt: null,
  memoryType: 'semantic',
  mentions: 1,
}

/** The reads and writes that must see the old memory as the defaults say. */
async function expectUpgraded(store: VectorStore): Promise<void> {
  expect(await store.get('old-1')).toEqual(upgraded)
  const vector = Float32Array.from(VECTOR)
  const filters = { scope: { userId: 'alice' }, memoryType: 'semantic' as const, activeAt: NOW, updatedSince: WRITTEN }
  expect((await store.list({ ...filters, limit: 5 })).map((memory) => memory.id)).toEqual(['old-1'])
  expect((await store.nearest({ ...filters, vector, limit: 5 })).map((hit) => hit.memory.id)).toEqual(['old-1'])
  const found = await store.search({ ...filters, vector, text: 'tea', limit: 5 })
  expect(found.map((hit) => hit.memory.id)).toEqual(['old-1'])
  // Its keyword length was counted on open: as the only memory of its scope, its length is the
  // average, and BM25 gives idf × (k1 + 1) / (1 + k1) = ln(1 + 0.5 / 1.5).
  expect(found[0]!.explain.keywordScore).toBeCloseTo(Math.log(1 + 0.5 / 1.5), 9)
  expect(await store.nearest({ ...filters, memoryType: 'procedural', vector, limit: 5 })).toEqual([])
  expect(await store.expired({ now: NOW, limit: 5 })).toEqual([])
  expect((await store.expired({ scope: { userId: 'alice' }, now: NOW, updatedBefore: NOW, limit: 5 })).map((memory) => memory.id)).toEqual(['old-1'])
  await store.setMentions([{ id: 'old-1', mentions: 3 }])
  expect(await store.get('old-1')).toEqual({ ...upgraded, mentions: 3 })
  const [hit] = await store.nearest({ ...filters, vector, limit: 1 })
  expect(hit?.similarity).toBeCloseTo(1, 6)
}

/** A SQLite file as the previous version left it: only `store`'s migration 001 (`name`) applied and recorded. */
function previousSchema(path: string, store: string, name: string): Database.Database {
  const statements = Statements.load('sql')
  const old = new Database(path)
  old.prepare(statements.get('schema-migrations/create-ledger')).run()
  old.exec(statements.get(`${store}/migrations/001-${name}`))
  old.prepare(statements.get('schema-migrations/record-applied')).run({ store, version: 1, name, applied_at: WRITTEN })
  return old
}

describe('SQLite journal: a file from before entries were bound to their stores', () => {
  it('gives its unfinished entries to the first instance that opens it, with their scope, and to no other', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'engram-upgrade-'))
    const path = join(folder, 'journal.db')
    const old = previousSchema(path, 'journal', 'create-journal')
    old
      .prepare(`INSERT INTO journal (id, state, owner_pid, plan, progress, created_at, seq) VALUES ('old-entry', 'pending', 1, ?, '{}', ?, 1)`)
      .run(JSON.stringify({ scope: { userId: 'alice', runId: 'r1' } }), WRITTEN)
    old.close()

    const first = await SqliteJournal.open({ path, stores: [join(folder, 'memories.db')] })
    const other = await SqliteJournal.open({ path, stores: [join(folder, 'other.db')] })
    try {
      expect(await first.unfinished()).toMatchObject([{ id: 'old-entry', scope: { userId: 'alice', runId: 'r1' } }])
      expect(await other.unfinished()).toEqual([])
      await other.deleteScope({ runId: 'r1' })
      expect(await first.unfinished(), 'another instance does not erase it').toHaveLength(1)
      await first.deleteScope({ runId: 'r1' })
      expect(await first.unfinished(), 'its scope, read from the plan, is erased').toEqual([])
    } finally {
      await first.close()
      await other.close()
      rmSync(folder, { recursive: true, force: true })
    }
  })
})

describe('SQLite vector store: a database of the previous schema', () => {
  const folder = mkdtempSync(join(tmpdir(), 'engram-upgrade-'))
  afterAll(() => rmSync(folder, { recursive: true, force: true }))

  it('is migrated on open, and its memories read as never-expiring facts stated once', async () => {
    const path = join(folder, 'old.db')
    // The database as the previous version left it: migration 001 applied and recorded, one memory.
    const old = previousSchema(path, 'vector', 'create-memories')
    old.pragma('journal_mode = WAL')
    old.prepare(`INSERT INTO vector_meta (key, value) VALUES ('dimension', 4)`).run()
    old
      .prepare(
        `INSERT INTO memories (id, text, hash, metadata, user_id, created_at, updated_at, observed_at, vector)
         VALUES ('old-1', 'likes green tea', 'h1', '{"source":"old"}', 'alice', ?, ?, ?, ?)`,
      )
      .run(WRITTEN, WRITTEN, WRITTEN, Buffer.from(Float32Array.from(VECTOR).buffer))
    old.close()

    const store = await SqliteVectorStore.open({ path })
    try {
      await expectUpgraded(store)
    } finally {
      await store.close()
    }
  })
})

describe.runIf(selectedBackends().has('weaviate'))('Weaviate vector store: a collection of the previous version', () => {
  let client: WeaviateClient
  beforeAll(async () => {
    const url = new URL(process.env.WEAVIATE_URL!)
    const grpcPort = Number(process.env.WEAVIATE_GRPC_PORT || DEFAULT_WEAVIATE_GRPC_PORT)
    client = await weaviate.connectToCustom({ httpHost: url.hostname, httpPort: Number(url.port), grpcHost: url.hostname, grpcPort })
  })
  afterAll(() => client.close())

  // The property list of the previous version's memory-collection.ts, as it created collections.
  const stored = (name: string) => ({ name, dataType: 'text', indexFilterable: false, indexSearchable: false }) as const
  const filterable = (name: string, dataType: 'text' | 'text[]') =>
    ({ name, dataType, tokenization: 'field', indexFilterable: true, indexSearchable: false }) as const
  const PREVIOUS_PROPERTIES = [
    stored('memory_id'),
    stored('text'),
    { name: 'keywords', dataType: 'text', tokenization: 'word', indexFilterable: false, indexSearchable: true },
    stored('hash'),
    stored('user_id'),
    stored('agent_id'),
    stored('run_id'),
    filterable('scope_entries', 'text[]'),
    stored('metadata'),
    filterable('metadata_entries', 'text[]'),
    filterable('created_at', 'text'),
    stored('updated_at'),
    stored('observed_at'),
  ] as const

  it('gains the lifecycle properties on open, and its objects read as never-expiring facts stated once', async () => {
    const name = weaviateVectorStore.location()
    await client.collections.create({
      name,
      description: 'Engram memories',
      properties: [...PREVIOUS_PROPERTIES],
      vectorizers: weaviate.configure.vectors.selfProvided({ vectorIndexConfig: weaviate.configure.vectorIndex.hnsw({ distanceMetric: 'cosine' }) }),
      invertedIndex: { stopwords: { preset: 'none' } },
    })
    // More objects than one backfill page, so the upgrade has to page.
    const others = Array.from({ length: 600 }, (_, index) => ({
      id: objectId(`other-${index}`),
      properties: oldProperties(`other-${index}`, `other memory ${index}`, 'bob'),
      vectors: [0, 1, 0, 0],
    }))
    const collection = client.collections.use(name)
    const result = await collection.data.insertMany([
      { id: objectId('old-1'), properties: oldProperties('old-1', 'likes green tea', 'alice'), vectors: VECTOR },
      ...others,
    ])
    expect(result.hasErrors).toBe(false)

    const store = await WeaviateVectorStore.open({
      url: process.env.WEAVIATE_URL!,
      grpcPort: Number(process.env.WEAVIATE_GRPC_PORT || DEFAULT_WEAVIATE_GRPC_PORT),
      collection: name,
    })
    try {
      await expectUpgraded(store)
      const bob = await store.list({ scope: { userId: 'bob' }, memoryType: 'semantic', activeAt: NOW, limit: 1000 })
      expect(bob).toHaveLength(600)
      // New memories are written with every property beside the upgraded ones.
      await store.insert([{ ...upgraded, id: 'new-1', memoryType: 'procedural', expiresAt: NOW, mentions: 2, vector: Float32Array.from(VECTOR) }])
      expect((await store.expired({ scope: { userId: 'alice' }, now: NOW, limit: 5 })).map((memory) => memory.id)).toEqual(['new-1'])
    } finally {
      await store.close()
    }
  })
})

describe.runIf(selectedBackends().has('neo4j'))('Neo4j graph store: entities of the previous version', () => {
  it('gives them a generation on open, so that resolution and linking find them', async () => {
    const cleaner = await neo4jGraphStore.open() // holds the server for this file and empties it
    const driver = neo4j.driver(process.env.NEO4J_URI!, neo4j.auth.basic(process.env.NEO4J_USERNAME ?? 'neo4j', process.env.NEO4J_PASSWORD ?? ''))
    try {
      // The node as the previous version wrote it: no generation, no generation node.
      await driver.executeQuery(
        `CREATE (:__Entity__ {id: 'old-bob', key: 'bob', name: 'Bob', type: 'person', match_text: $match_text, embedding: $embedding,
          user_id: 'alice', agent_id: null, run_id: null, scope_key: $scope_key, mentions: 1, created_at: $written, updated_at: $written})`,
        { match_text: entityMatchText('Bob'), embedding: VECTOR, scope_key: JSON.stringify(['alice', null, null]), written: WRITTEN },
      )
      const store = await Neo4jGraphStore.open({ url: process.env.NEO4J_URI!, username: process.env.NEO4J_USERNAME, password: process.env.NEO4J_PASSWORD })
      try {
        const alice = { userId: 'alice' }
        const [match] = await store.similarEntities(alice, [Float32Array.from(VECTOR)], 0.9)
        expect(match?.entity.id).toBe('old-bob')
        const linked = await store.linkEntities({ scope: alice, vector: Float32Array.from(VECTOR), text: ' nothing named ', minSimilarity: 0.9, limit: 5 })
        expect(linked.map((hit) => hit.entity.id)).toEqual(['old-bob'])
        // Written by this version beside it: both found.
        await store.apply({
          scope: alice,
          now: NOW,
          entities: [{ key: 'carol', name: 'Carol', type: 'person', vector: Float32Array.from([0, 1, 0, 0]) }],
          relations: [],
        })
        expect((await store.similarEntities(alice, [Float32Array.from([0, 1, 0, 0]), Float32Array.from(VECTOR)], 0.9)).map((hit) => hit?.entity.name)).toEqual([
          'Carol',
          'Bob',
        ])
        const { records } = await driver.executeQuery('MATCH (e:__Entity__) WHERE e.generation IS NULL RETURN count(e) AS untagged')
        expect(records[0]?.get('untagged').toNumber()).toBe(0)
      } finally {
        await store.close()
      }
    } finally {
      await cleaner.reset()
      await cleaner.close()
      await driver.close()
    }
  })
})

/** An object's properties as the previous version wrote them. */
function oldProperties(id: string, text: string, userId: string) {
  return {
    memory_id: id,
    text,
    keywords: text,
    hash: id === 'old-1' ? 'h1' : id,
    user_id: userId,
    scope_entries: scopeEntries({ userId }),
    metadata: '{"source":"old"}',
    metadata_entries: ['["source","old"]'],
    created_at: WRITTEN,
    updated_at: WRITTEN,
    observed_at: WRITTEN,
  }
}
