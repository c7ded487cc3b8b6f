import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalEmbedder } from '../../src/adapters/local/local-embedder.js'
import { missProbability, usesBuckets } from '../../src/adapters/entity-buckets.js'
import { SqliteGraphStore } from '../../src/adapters/sqlite/sqlite-graph-store.js'
import { LOCAL_EMBEDDING_MODELS } from '../../src/adapters/local/embedding-models.js'
import { DEFAULT_ENTITY_THRESHOLD } from '../../src/config/resolve.js'
import type { Scope } from '../../src/input.js'
import { entityKey, matchText, UNTYPED_ENTITY } from '../../src/normalize.js'
import type { EntityMatch, EntityWrite, GraphStore, Vector } from '../../src/ports.js'
import { GRAPH_STORE_BACKENDS } from '../contract/backends.js'
import { testModelDir } from '../helpers/model-dir.js'
import { seededRandom } from '../../src/seeded-random.js'

/*
 * The graph stores' entity index (src/adapters/entity-buckets.ts; the SQLite store's keys in its
 * file, looked up in memory; the Neo4j store's entity mirror's in memory for scopes of 1,000
 * entities or more):
 * similarEntities at a threshold the index serves must return what a scan of the scope returns,
 * whenever the scan's best match reaches the threshold. The scan is the same store at a threshold
 * of 0, which the index never serves.
 */

const SCOPE: Scope = { userId: 'index-user' }
const SCAN = 0
const folder = mkdtempSync(join(tmpdir(), 'engram-entity-index-'))
let files = 0
const newPath = () => {
  files += 1
  return join(folder, `graph-${files}.db`)
}

function normalised(values: Float32Array): Vector {
  const norm = Math.hypot(...values)
  return values.map((value) => value / norm)
}

function randomUnit(random: () => number, dimension = 384): Vector {
  const values = new Float32Array(dimension)
  for (let i = 0; i < dimension; i++) values[i] = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  return normalised(values)
}

/** A unit vector at cosine `similarity` to the unit vector `of`: its share along `of`, the rest orthogonal. */
function atSimilarity(of: Vector, similarity: number, random: () => number): Vector {
  const noise = randomUnit(random, of.length)
  const along = noise.reduce((sum, value, i) => sum + value * of[i]!, 0)
  const orthogonal = normalised(noise.map((value, i) => value - along * of[i]!))
  return normalised(of.map((value, i) => similarity * value + Math.sqrt(1 - similarity ** 2) * orthogonal[i]!))
}

const entity = (name: string, vector: Vector): EntityWrite => ({ key: entityKey(name), name, type: 'thing', vector })

const summary = (match: EntityMatch | null) => (match === null ? null : { key: match.entity.key, similarity: match.similarity })

/** What the index must answer at `threshold`: the scan's best match when it reaches the threshold. */
async function expectIndexMatchesScan(store: GraphStore, queries: Vector[], threshold: number): Promise<number> {
  expect(usesBuckets(threshold)).toBe(true)
  const scanned = await store.similarEntities(SCOPE, queries, SCAN)
  const indexed = await store.similarEntities(SCOPE, queries, threshold)
  const expected = scanned.map((match) => (match !== null && match.similarity >= threshold ? summary(match) : null))
  expect(indexed.map(summary)).toEqual(expected)
  return expected.filter((match) => match !== null).length
}

describe('the recall guarantee', () => {
  it('serves every default threshold from the index, with a miss probability below 2e-4 at the threshold', () => {
    for (const threshold of [DEFAULT_ENTITY_THRESHOLD, ...Object.values(LOCAL_EMBEDDING_MODELS).map((model) => model.entityThreshold)]) {
      expect(usesBuckets(threshold)).toBe(true)
      expect(missProbability(threshold)).toBeLessThan(2e-4)
    }
    expect(missProbability(0.95)).toBeLessThan(missProbability(0.85))
  })

  it('scans the scope at thresholds where the index could miss more than one match in a thousand', () => {
    expect(missProbability(0.8)).toBeGreaterThan(1e-3)
    expect(usesBuckets(0.8)).toBe(false)
    expect(usesBuckets(0.45)).toBe(false)
  })
})

describe.each(GRAPH_STORE_BACKENDS)('$name: entity index against a scan: synthetic near-duplicates', (backend) => {
  let store: GraphStore
  const random = seededRandom(42)
  const stored = Array.from({ length: 1000 }, () => randomUnit(random))
  // The same vectors in a narrower scope, which resolution by exact scope must never return.
  const other: Scope = { userId: 'index-user', agentId: 'x' }

  beforeAll(async () => {
    store = await backend.open()
    const entities = stored.map((vector, i) => entity(`entity ${i}`, vector))
    await store.apply({ scope: SCOPE, now: new Date().toISOString(), entities, relations: [] })
    await store.apply({ scope: other, now: new Date().toISOString(), entities: entities.slice(0, 10), relations: [] })
  })
  afterAll(() => store.close())

  it('finds the best match of 600 near-duplicates between the default threshold and 0.99', async () => {
    const queries = Array.from({ length: 600 }, (_, i) => atSimilarity(stored[(i * 7) % stored.length]!, 0.85 + 0.14 * random(), random))
    expect(await expectIndexMatchesScan(store, queries, DEFAULT_ENTITY_THRESHOLD)).toBeGreaterThan(590)
  })

  it('finds them at the lowest threshold it serves and at a stricter one', async () => {
    const lowest = [0.84, 0.835, 0.83].filter(usesBuckets).at(-1)!
    const queries = Array.from({ length: 200 }, (_, i) => atSimilarity(stored[(i * 13) % stored.length]!, lowest + (1 - lowest) * random(), random))
    expect(await expectIndexMatchesScan(store, queries, lowest)).toBeGreaterThan(190)
    expect(await expectIndexMatchesScan(store, queries, 0.95)).toBeGreaterThan(0)
  })

  it('answers null for unrelated vectors, as the scan does', async () => {
    const unrelated = Array.from({ length: 50 }, () => randomUnit(random))
    expect(await store.similarEntities(SCOPE, unrelated, DEFAULT_ENTITY_THRESHOLD)).toEqual(unrelated.map(() => null))
  })

  it('keeps other scopes out of the candidates', async () => {
    const [own] = await store.similarEntities(SCOPE, [stored[0]!], DEFAULT_ENTITY_THRESHOLD)
    expect(own?.entity.scope).toEqual(SCOPE)
    const [narrower] = await store.similarEntities(other, [stored[0]!], DEFAULT_ENTITY_THRESHOLD)
    expect(narrower?.entity.scope).toEqual(other)
    expect(await store.similarEntities(other, [stored[500]!], DEFAULT_ENTITY_THRESHOLD)).toEqual([null])
  })

  // Last: it grows the scope. Past the first lookup the index is kept up to date, not rebuilt, and
  // 1,000 more entities outgrow the room the SQLite store's table was first given.
  it('finds entities written after the first lookups, as the scan does', async () => {
    const added = Array.from({ length: 1000 }, () => randomUnit(random))
    await store.apply({ scope: SCOPE, now: new Date().toISOString(), entities: added.map((vector, i) => entity(`added ${i}`, vector)), relations: [] })
    const queries = Array.from({ length: 200 }, (_, i) => atSimilarity(added[(i * 11) % added.length]!, 0.86 + 0.13 * random(), random))
    expect(await expectIndexMatchesScan(store, queries, DEFAULT_ENTITY_THRESHOLD)).toBeGreaterThan(190)
  })
})

interface Pair {
  a: string
  b: string
  same: boolean
}

describe('entity index against a scan: labelled entity pairs (real embedding model)', () => {
  const { pairs } = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/entity-pairs.json'), 'utf8')) as { pairs: Pair[] }
  let embedder: LocalEmbedder
  let store: SqliteGraphStore

  beforeAll(async () => {
    embedder = await LocalEmbedder.open({ modelDir: testModelDir() })
    store = await SqliteGraphStore.open({ path: newPath() })
  })
  afterAll(async () => {
    await store.close()
    await embedder.close()
  })

  it('returns the same best match for every pair whose similarity reaches the threshold, stored either way round', async () => {
    for (const [stored, asked] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      await store.reset()
      const names = [...new Set(pairs.map((pair) => pair[stored]))]
      const vectors = await embedder.embed(names, 'document')
      await store.apply({ scope: SCOPE, now: new Date().toISOString(), entities: names.map((name, i) => entity(name, vectors[i]!)), relations: [] })
      const queries = await embedder.embed(
        pairs.map((pair) => pair[asked]),
        'document',
      )
      expect(await expectIndexMatchesScan(store, queries, DEFAULT_ENTITY_THRESHOLD)).toBeGreaterThan(0)
    }
  })
})

describe('entity index in the file', () => {
  const random = seededRandom(7)
  const vector = randomUnit(random)
  const near = atSimilarity(vector, 0.9, random)

  it('is found again after the store is closed and reopened', async () => {
    const path = newPath()
    const writer = await SqliteGraphStore.open({ path })
    await writer.apply({ scope: SCOPE, now: new Date().toISOString(), entities: [entity('Reopened', vector)], relations: [] })
    await writer.close()
    const reader = await SqliteGraphStore.open({ path })
    expect((await reader.similarEntities(SCOPE, [near], DEFAULT_ENTITY_THRESHOLD))[0]?.entity.key).toBe('reopened')
    await reader.close()
  })

  it("sees another connection's writes and deletes at once", async () => {
    const path = newPath()
    const [first, second] = await Promise.all([SqliteGraphStore.open({ path }), SqliteGraphStore.open({ path })])
    expect(await second.similarEntities(SCOPE, [near], DEFAULT_ENTITY_THRESHOLD)).toEqual([null])
    await first.apply({ scope: SCOPE, now: new Date().toISOString(), entities: [entity('Shared', vector)], relations: [] })
    expect((await second.similarEntities(SCOPE, [near], DEFAULT_ENTITY_THRESHOLD))[0]?.entity.key).toBe('shared')
    await second.deleteScope(SCOPE)
    expect(await first.similarEntities(SCOPE, [near], DEFAULT_ENTITY_THRESHOLD)).toEqual([null])
    await Promise.all([first.close(), second.close()])
  })

  it('finds entities written before the index existed, and indexes them when the store opens', async () => {
    const path = newPath()
    const store = await SqliteGraphStore.open({ path })
    await store.apply({ scope: SCOPE, now: new Date().toISOString(), entities: [entity('Older', vector)], relations: [] })
    // What a file migrated from before the index holds: an entity without buckets.
    const raw = new Database(path)
    raw.prepare('UPDATE entities SET buckets = NULL').run()
    const unbucketed = () => raw.prepare('SELECT count(*) FROM entities WHERE buckets IS NULL').pluck().get()
    expect(unbucketed()).toBe(1)
    expect((await store.similarEntities(SCOPE, [near], DEFAULT_ENTITY_THRESHOLD))[0]?.entity.key).toBe('older')
    await store.close()

    const reopened = await SqliteGraphStore.open({ path })
    expect(unbucketed()).toBe(0)
    expect((await reopened.similarEntities(SCOPE, [near], DEFAULT_ENTITY_THRESHOLD))[0]?.entity.key).toBe('older')
    raw.close()
    await reopened.close()
  })
})

describe('entities kept in memory follow the file', () => {
  it("links and names walks with another connection's writes, type changes and deletes", async () => {
    const random = seededRandom(5)
    const path = newPath()
    const [writer, reader] = await Promise.all([SqliteGraphStore.open({ path }), SqliteGraphStore.open({ path })])
    const [ada, bob] = [randomUnit(random), randomUnit(random)]
    const link = () => reader.linkEntities({ scope: SCOPE, vector: ada, text: matchText('who is bob'), minSimilarity: 0.9, limit: 5 })
    expect(await link()).toEqual([])

    const now = () => new Date().toISOString()
    const knows = { op: 'assert' as const, sourceKey: 'ada', relationship: 'KNOWS', destinationKey: 'bob', validFrom: now(), memoryIds: ['m1'] }
    await writer.apply({ scope: SCOPE, now: now(), entities: [{ ...entity('Ada', ada), type: UNTYPED_ENTITY }, entity('Bob', bob)], relations: [knows] })
    expect((await link()).map((linked) => [linked.entity.key, linked.keyword])).toEqual([
      ['bob', true],
      ['ada', false],
    ])
    const [seed] = await writer.entitiesByKey(SCOPE, ['ada'])
    const walk = async () =>
      (await reader.traverse({ scope: SCOPE, seeds: [seed!.id], hops: 1, limit: 5 })).map(({ path }) => `${path[0]!.source.name}:${path[0]!.source.type}`)
    expect(await walk()).toEqual([`Ada:${UNTYPED_ENTITY}`])

    // A later mention gives the untyped entity its type; the reader's walk names it so.
    await writer.apply({ scope: SCOPE, now: now(), entities: [{ ...entity('Ada', ada), type: 'person' }], relations: [] })
    expect(await walk()).toEqual(['Ada:person'])

    await writer.deleteScope(SCOPE)
    expect(await link()).toEqual([])
    await Promise.all([writer.close(), reader.close()])
  })
})
