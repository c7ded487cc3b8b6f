import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Scope } from '../../src/input.js'
import { entityKey, matchText } from '../../src/normalize.js'
import type { EntityWrite, GraphChanges, GraphEvent, GraphStore, RelationOp, StoredRelation, TraversalPath, Vector } from '../../src/ports.js'
import { GRAPH_STORE_BACKENDS } from './backends.js'
import { rejection } from '../helpers/rejection.js'

const DIMENSION = 8

/** A unit vector from its components (the rest zero), L2-normalised like every embedder's output. */
function unit(...components: number[]): Vector {
  const vector = new Float32Array(DIMENSION)
  vector.set(components)
  const norm = Math.hypot(...vector)
  return vector.map((value) => value / norm)
}

/** The i-th basis vector: orthogonal to every other one, so similarity 0 between different names. */
const axis = (index: number): Vector => unit(...Array.from({ length: index + 1 }, (_, at) => (at === index ? 1 : 0)))

const ALICE: Scope = { userId: 'alice' }

let clock = Date.parse('2024-01-01T00:00:00.000Z')

/** An ISO-8601 time, each one a second later than the previous. */
const tick = (): string => {
  clock += 1000
  return new Date(clock).toISOString()
}

function entity(name: string, options: { type?: string; vector?: Vector } = {}): EntityWrite {
  return { key: entityKey(name), name, type: options.type ?? 'person', vector: options.vector ?? axis(0) }
}

function assertion(source: string, relationship: string, destination: string, options: { memoryIds?: string[]; validFrom?: string } = {}): RelationOp {
  return {
    op: 'assert',
    sourceKey: entityKey(source),
    relationship,
    destinationKey: entityKey(destination),
    validFrom: options.validFrom ?? tick(),
    memoryIds: options.memoryIds ?? ['m1'],
  }
}

function changes(entities: EntityWrite[], relations: RelationOp[], scope: Scope = ALICE): GraphChanges {
  return { scope, now: tick(), entities, relations }
}

/** The relation of a RELATION_* event. */
function relationOf(event: GraphEvent | undefined): StoredRelation {
  if (event === undefined || !('relation' in event)) throw new Error(`expected a relation event, got ${JSON.stringify(event)}`)
  return event.relation
}

/** A path as "alice MANAGES bob / bob LIVES_IN paris". */
const describePath = (path: TraversalPath): string =>
  path.path.map((relation) => `${relation.source.name} ${relation.relationship} ${relation.destination.name}`).join(' / ')

describe.each(GRAPH_STORE_BACKENDS)('$name: graph store contract', (backend) => {
  let store: GraphStore
  beforeAll(async () => {
    store = await backend.open()
  })
  afterEach(() => store.reset())
  afterAll(() => store.close())

  /** alice MANAGES bob, bob LIVES_IN paris, in scope ALICE. */
  async function managesAndLivesIn(): Promise<StoredRelation[]> {
    const events = await store.apply(
      changes(
        [entity('Alice'), entity('Bob', { vector: axis(1) }), entity('Paris', { type: 'city', vector: axis(2) })],
        [assertion('alice', 'MANAGES', 'bob'), assertion('bob', 'LIVES_IN', 'paris')],
      ),
    )
    return events.filter((event) => 'relation' in event).map(relationOf)
  }

  describe('apply', () => {
    it('creates entities and relations, reporting events in order', async () => {
      const write = changes([entity('Alice'), entity('Bob', { vector: axis(1) })], [assertion('alice', 'MANAGES', 'bob', { memoryIds: ['m2', 'm1'] })])
      const events = await store.apply(write)
      expect(events.map((event) => event.event)).toEqual(['ENTITY_CREATED', 'ENTITY_CREATED', 'RELATION_ADDED'])
      const [alice, bob] = events.map((event) => ('entity' in event ? event.entity : undefined))
      expect(alice).toMatchObject({ key: 'alice', name: 'Alice', type: 'person', scope: ALICE, mentions: 1, createdAt: write.now, updatedAt: write.now })
      expect(bob?.name).toBe('Bob')
      const relation = relationOf(events[2])
      expect(relation).toEqual({
        id: expect.any(String),
        source: { id: alice?.id, name: 'Alice', type: 'person' },
        relationship: 'MANAGES',
        destination: { id: bob?.id, name: 'Bob', type: 'person' },
        validFrom: (write.relations[0] as { validFrom: string }).validFrom,
        validTo: null,
        mentions: 1,
        memoryIds: ['m1', 'm2'],
        scope: ALICE,
        createdAt: write.now,
        updatedAt: write.now,
      })
      expect(await store.relations({ scope: ALICE, validOnly: false, limit: 10 })).toEqual([relation])
    })

    it('keeps one entity per (scope, key): a second write mentions it again', async () => {
      await store.apply(changes([entity('New  York', { type: 'entity' })], []))
      const again = changes([entity('new york', { type: 'city' })], [])
      expect(await store.apply(again)).toEqual([])
      const [stored] = await store.entitiesByKey(ALICE, ['new york'])
      // The name stays as first written; the placeholder type gives way to a real one.
      expect(stored).toMatchObject({ name: 'New  York', type: 'city', mentions: 2, updatedAt: again.now })
      await store.apply(changes([entity('New York', { type: 'place' })], []))
      expect(await store.entities({ scope: ALICE, limit: 10 })).toMatchObject([{ type: 'city', mentions: 3 }])
    })

    it('reinforces a valid relation instead of adding a parallel one, merging provenance', async () => {
      const [first] = await managesAndLivesIn()
      const events = await store.apply(changes([entity('Alice')], [assertion('alice', 'MANAGES', 'bob', { memoryIds: ['m0', 'm1'] })]))
      expect(events.map((event) => event.event)).toEqual(['RELATION_REINFORCED'])
      const reinforced = relationOf(events[0])
      expect(reinforced).toMatchObject({ id: first?.id, mentions: 2, memoryIds: ['m0', 'm1'], validFrom: first?.validFrom, validTo: null })
      expect(reinforced.updatedAt > (first?.updatedAt ?? '')).toBe(true)
      expect(await store.relations({ scope: ALICE, validOnly: false, limit: 10 })).toHaveLength(2)
    })

    it('invalidates a relation by keeping it with validTo, and refuses to end it twice', async () => {
      const [manages] = await managesAndLivesIn()
      const validTo = tick()
      const events = await store.apply(changes([], [{ op: 'invalidate', relationId: manages!.id, validTo }]))
      expect(events.map((event) => event.event)).toEqual(['RELATION_INVALIDATED'])
      expect(relationOf(events[0])).toMatchObject({ id: manages?.id, validTo, mentions: 1, memoryIds: ['m1'] })
      const all = await store.relations({ scope: ALICE, validOnly: false, limit: 10 })
      expect(all.find((relation) => relation.id === manages?.id)?.validTo).toBe(validTo)
      expect((await store.relations({ scope: ALICE, validOnly: true, limit: 10 })).map((relation) => relation.relationship)).toEqual(['LIVES_IN'])
      expect(await store.validRelationsOf(ALICE, [manages!.source.id])).toEqual([])
      const again = await rejection(store.apply(changes([], [{ op: 'invalidate', relationId: manages!.id, validTo: tick() }])))
      expect(again.code).toBe('NOT_FOUND')
      expect((await rejection(store.apply(changes([], [{ op: 'invalidate', relationId: 'no-such-relation', validTo: tick() }])))).code).toBe('NOT_FOUND')
    })

    it('re-asserting an invalidated relation starts a second interval; traverse follows the one valid at asOf', async () => {
      const [manages] = await managesAndLivesIn()
      const insideFirst = tick()
      const switchAt = tick()
      const events = await store.apply(
        changes(
          [],
          [{ op: 'invalidate', relationId: manages!.id, validTo: switchAt }, assertion('alice', 'MANAGES', 'bob', { validFrom: switchAt, memoryIds: ['m9'] })],
        ),
      )
      expect(events.map((event) => event.event)).toEqual(['RELATION_INVALIDATED', 'RELATION_ADDED'])
      const second = relationOf(events[1])
      expect(second.id).not.toBe(manages?.id)
      expect(second).toMatchObject({ validFrom: switchAt, validTo: null, mentions: 1, memoryIds: ['m9'] })

      const walk = (asOf?: string) => store.traverse({ scope: ALICE, seeds: [manages!.source.id], hops: 1, limit: 10, ...(asOf === undefined ? {} : { asOf }) })
      const firstIds = (paths: TraversalPath[]) => paths.map((path) => path.path[0]?.id)
      expect(firstIds(await walk(insideFirst))).toEqual([manages?.id])
      expect(firstIds(await walk(switchAt))).toEqual([second.id])
      expect(firstIds(await walk())).toEqual([second.id])
      // A time before the relation began sees neither interval; a date-only asOf means its midnight UTC.
      expect(await walk('2023-06-01')).toEqual([])
    })

    it('rolls back the whole call when an op in the middle fails', async () => {
      await managesAndLivesIn()
      const before = await store.relations({ scope: ALICE, validOnly: false, limit: 10 })
      const failing = changes(
        [entity('Carol', { vector: axis(3) }), entity('Alice')],
        [assertion('alice', 'KNOWS', 'carol'), { op: 'invalidate', relationId: 'no-such-relation', validTo: tick() }, assertion('carol', 'KNOWS', 'bob')],
      )
      expect((await rejection(store.apply(failing))).code).toBe('NOT_FOUND')
      expect(await store.entitiesByKey(ALICE, ['carol'])).toEqual([])
      expect((await store.entitiesByKey(ALICE, ['alice']))[0]?.mentions).toBe(1)
      expect(await store.relations({ scope: ALICE, validOnly: false, limit: 10 })).toEqual(before)

      const unknownEnd = changes([entity('Dave', { vector: axis(4) })], [assertion('dave', 'KNOWS', 'erin')])
      expect((await rejection(store.apply(unknownEnd))).code).toBe('INVALID_INPUT')
      expect(await store.entitiesByKey(ALICE, ['dave'])).toEqual([])
    })

    it('refuses an invalid relationship type before writing anything', async () => {
      for (const relationship of ['lives in', 'LIVES-IN', '1ST', '', `X${'Y'.repeat(64)}`, 'KNOWS]->(x) DETACH DELETE x //', "A'; DROP TABLE relations; --"]) {
        const error = await rejection(store.apply(changes([entity('Zed', { vector: axis(5) }), entity('Bob')], [assertion('zed', relationship, 'bob')])))
        expect(error.code).toBe('INVALID_INPUT')
      }
      expect(await store.entities({ scope: ALICE, limit: 10 })).toEqual([])
    })
  })

  describe('scopes', () => {
    const AGENT: Scope = { userId: 'alice', agentId: 'x' }

    it('resolves entities by exact scope but reads by visibility', async () => {
      await store.apply(changes([entity('Paris', { vector: axis(2) })], []))
      expect(await store.entitiesByKey(AGENT, ['paris'])).toEqual([])
      expect(await store.similarEntities(AGENT, [axis(2)], 0.5)).toEqual([null])
      const [match] = await store.similarEntities(ALICE, [axis(2)], 0.5)
      expect(match?.entity.key).toBe('paris')
      expect(match?.similarity).toBeCloseTo(1, 5)

      // The same key in the narrower scope is a separate entity.
      const events = await store.apply(changes([entity('Paris', { vector: axis(2) })], [], AGENT))
      expect(events.map((event) => event.event)).toEqual(['ENTITY_CREATED'])
      expect((await store.entitiesByKey(AGENT, ['paris']))[0]?.scope).toEqual(AGENT)
      expect((await store.entities({ scope: ALICE, limit: 10 })).map((stored) => stored.scope)).toEqual(expect.arrayContaining([ALICE, AGENT]))
      expect(await store.entities({ scope: AGENT, limit: 10 })).toHaveLength(1)
      expect(await store.entities({ scope: { userId: 'bob' }, limit: 10 })).toEqual([])
      expect(await store.entities({ scope: { userId: 'alice', agentId: 'y' }, limit: 10 })).toEqual([])
    })

    it('reads relations by visibility and resolves them by exact scope', async () => {
      await managesAndLivesIn()
      await store.apply(changes([entity('Alice'), entity('Bob', { vector: axis(1) })], [assertion('alice', 'MANAGES', 'bob')], AGENT))
      expect(await store.relations({ scope: ALICE, validOnly: true, limit: 10 })).toHaveLength(3)
      const narrow = await store.relations({ scope: AGENT, validOnly: true, limit: 10 })
      expect(narrow.map((relation) => relation.scope)).toEqual([AGENT])
      const [alice] = await store.entitiesByKey(ALICE, ['alice'])
      expect((await store.validRelationsOf(ALICE, [alice!.id])).map((relation) => relation.scope)).toEqual([ALICE])
      expect(await store.traverse({ scope: { userId: 'bob' }, seeds: [alice!.id], hops: 2, limit: 10 })).toEqual([])
    })

    it('deletes exactly what a scope can see and refuses an empty scope', async () => {
      await managesAndLivesIn()
      await store.apply(changes([entity('Alice'), entity('Bob', { vector: axis(1) })], [assertion('alice', 'KNOWS', 'bob')], AGENT))
      await store.apply(changes([entity('Carol'), entity('Dave', { vector: axis(1) })], [assertion('carol', 'KNOWS', 'dave')], { userId: 'carol' }))
      expect((await rejection(store.deleteScope({}))).code).toBe('INVALID_INPUT')

      await store.deleteScope(AGENT)
      expect(await store.entities({ scope: AGENT, limit: 10 })).toEqual([])
      expect(await store.relations({ scope: ALICE, validOnly: false, limit: 10 })).toHaveLength(2)
      expect(await store.entities({ scope: ALICE, limit: 10 })).toHaveLength(3)

      await store.deleteScope(ALICE)
      expect(await store.entities({ scope: ALICE, limit: 10 })).toEqual([])
      expect(await store.relations({ scope: { userId: 'carol' }, validOnly: false, limit: 10 })).toMatchObject([
        { scope: { userId: 'carol' }, memoryIds: ['m1'] },
      ])
      expect(await store.entities({ scope: { userId: 'carol' }, limit: 10 })).toHaveLength(2)
    })
  })

  describe('traverse', () => {
    it('walks two hops, in either direction, returning each path in walk order', async () => {
      const [manages, livesIn] = await managesAndLivesIn()
      const alice = manages!.source.id
      const paths = await store.traverse({ scope: ALICE, seeds: [alice], hops: 2, limit: 10 })
      expect(paths.map(describePath)).toEqual(['Alice MANAGES Bob', 'Alice MANAGES Bob / Bob LIVES_IN Paris'])
      expect(paths.map((path) => path.seedId)).toEqual([alice, alice])
      expect(paths[1]?.path).toEqual([manages, livesIn])
      // From the far end, against the direction of both relations.
      const fromParis = await store.traverse({ scope: ALICE, seeds: [livesIn!.destination.id], hops: 2, limit: 10 })
      expect(fromParis.map(describePath)).toEqual(['Bob LIVES_IN Paris', 'Bob LIVES_IN Paris / Alice MANAGES Bob'])
    })

    it('respects the hop limit, the path limit and the range of hops', async () => {
      const names = ['a', 'b', 'c', 'd', 'e']
      await store.apply(
        changes(
          names.map((name, index) => entity(name, { vector: axis(index) })),
          names.slice(1).map((name, index) => assertion(names[index]!, 'NEXT', name)),
        ),
      )
      const [a] = await store.entitiesByKey(ALICE, ['a'])
      const lengths = async (hops: number, limit = 10) => (await store.traverse({ scope: ALICE, seeds: [a!.id], hops, limit })).map((path) => path.path.length)
      expect(await lengths(1)).toEqual([1])
      expect(await lengths(2)).toEqual([1, 2])
      expect(await lengths(4)).toEqual([1, 2, 3, 4])
      expect(await lengths(4, 2)).toEqual([1, 2])
      for (const hops of [0, 5, 1.5]) expect((await rejection(store.traverse({ scope: ALICE, seeds: [a!.id], hops, limit: 10 }))).code).toBe('INVALID_INPUT')
    })

    it('never reuses a relation within a path, so cycles end', async () => {
      await store.apply(
        changes(
          ['a', 'b', 'c'].map((name, index) => entity(name, { vector: axis(index) })),
          [assertion('a', 'NEXT', 'b'), assertion('b', 'NEXT', 'c'), assertion('c', 'NEXT', 'a')],
        ),
      )
      const [a] = await store.entitiesByKey(ALICE, ['a'])
      const paths = await store.traverse({ scope: ALICE, seeds: [a!.id], hops: 4, limit: 100 })
      // Two ways round the triangle, each cut after one, two and three relations.
      expect(paths.map((path) => path.path.length)).toEqual([1, 1, 2, 2, 3, 3])
      for (const { path } of paths) expect(new Set(path.map((relation) => relation.id)).size).toBe(path.length)
    })

    it('starts from every seed, shortest paths first, earlier seeds first among equals', async () => {
      const [manages, livesIn] = await managesAndLivesIn()
      const paris = livesIn!.destination.id
      const alice = manages!.source.id
      const paths = await store.traverse({ scope: ALICE, seeds: [paris, alice, paris], hops: 1, limit: 10 })
      expect(paths.map((path) => [path.seedId, describePath(path)])).toEqual([
        [paris, 'Bob LIVES_IN Paris'],
        [alice, 'Alice MANAGES Bob'],
      ])
    })
  })

  describe('linkEntities', () => {
    async function cities(): Promise<void> {
      await store.apply(
        changes(
          [
            entity('Alice', { vector: axis(0) }),
            entity('Bob', { vector: axis(1) }),
            entity('New York', { type: 'city', vector: axis(2) }),
            entity('York', { type: 'city', vector: axis(3) }),
          ],
          [],
        ),
      )
    }
    const link = (query: string, vector: Vector = axis(7), limit = 10) =>
      store.linkEntities({ scope: ALICE, vector, text: matchText(query), minSimilarity: 0.5, limit })
    const linked = async (query: string, vector?: Vector) => (await link(query, vector)).map((hit) => [hit.entity.name, hit.keyword])

    it('links names that occur in the query as whole words', async () => {
      await cities()
      expect(await linked('Where does the person Alice manages live?')).toEqual([['Alice', true]])
      expect(await linked('moving to NEW YORK, soon')).toEqual(
        expect.arrayContaining([
          ['New York', true],
          ['York', true],
        ]),
      )
      expect(await linked('she is a New Yorker')).toEqual([])
      expect(await linked('Bobby and alicea')).toEqual([])
    })

    it('links by embedding similarity, keyword links first', async () => {
      await cities()
      const hits = await link('who is bob', unit(1, 0, 0, 0.2))
      expect(hits.map((hit) => [hit.entity.name, hit.keyword])).toEqual([
        ['Bob', true],
        ['Alice', false],
      ])
      expect(hits[1]?.similarity).toBeCloseTo(1 / Math.hypot(1, 0.2), 5)
      expect(await linked('nothing here', unit(1, 1, 1, 1, 1, 1, 1, 1))).toEqual([]) // 0.35 to each: below 0.5
      expect(await link('alice bob', axis(2), 1)).toHaveLength(1)
    })

    it('does not link names without letters or digits to an empty query', async () => {
      await store.apply(changes([entity('🙂', { vector: axis(0) })], []))
      expect(await linked('?!', axis(7))).toEqual([])
    })
  })

  describe('provenance', () => {
    it('finds relations by memory and forgets a memory: sole provenance removed, shared kept', async () => {
      await store.apply(
        changes(
          [entity('Alice'), entity('Bob', { vector: axis(1) }), entity('Paris', { vector: axis(2) })],
          [assertion('alice', 'MANAGES', 'bob', { memoryIds: ['m1'] }), assertion('bob', 'LIVES_IN', 'paris', { memoryIds: ['m1', 'm2'] })],
        ),
      )
      const removed = await store.forgetMemory('m1', ALICE)
      expect(removed).toMatchObject([{ relationship: 'MANAGES', memoryIds: ['m1'] }])
      expect(await store.relations({ scope: ALICE, validOnly: false, limit: 10 })).toMatchObject([{ relationship: 'LIVES_IN', memoryIds: ['m2'] }])
      expect(await store.forgetMemory('m1', ALICE)).toEqual([])
      // Entities stay: they may be mentioned again.
      expect(await store.entities({ scope: ALICE, limit: 10 })).toHaveLength(3)
    })
  })

  describe('reads', () => {
    it('lists entities by name and relations newest first', async () => {
      await managesAndLivesIn()
      await store.apply(changes([entity('Carol', { vector: axis(3) }), entity('Alice')], [assertion('carol', 'KNOWS', 'alice')]))
      expect((await store.entities({ scope: ALICE, limit: 10 })).map((stored) => stored.name)).toEqual(['Alice', 'Bob', 'Carol', 'Paris'])
      expect((await store.entities({ scope: ALICE, limit: 2 })).map((stored) => stored.name)).toEqual(['Alice', 'Bob'])
      expect((await store.relations({ scope: ALICE, validOnly: false, limit: 10 })).map((relation) => relation.relationship)).toEqual([
        'KNOWS',
        'LIVES_IN',
        'MANAGES',
      ])
    })

    it('round-trips hostile entity names unchanged', async () => {
      const hostile = [
        `she said "hi" and 'bye'`,
        'back`tick` and ```fence```',
        '})-[:X]->(',
        "'; DROP TABLE entities; --",
        '北京大学',
        'emoji 🎉🧠 ZWJ 👩‍💻',
        'עברית العربية',
        'n'.repeat(200),
      ]
      const writes = hostile.map((name, index) => entity(name, { vector: axis(index % DIMENSION) }))
      await store.apply(
        changes(
          [entity('Hub'), ...writes],
          writes.map((write) => assertion('hub', 'MENTIONS', write.name)),
        ),
      )
      const names = (await store.entities({ scope: ALICE, limit: 20 })).map((stored) => stored.name)
      expect(names.sort()).toEqual(['Hub', ...hostile].sort())
      const relations = await store.relations({ scope: ALICE, validOnly: true, limit: 20 })
      expect(relations.map((relation) => relation.destination.name).sort()).toEqual([...hostile].sort())
      for (const name of hostile) {
        expect((await store.entitiesByKey(ALICE, [entityKey(name)]))[0]?.name).toBe(name)
        expect(
          (await store.linkEntities({ scope: ALICE, vector: axis(7), text: matchText(`about ${name} today`), minSimilarity: 2, limit: 20 })).map(
            (hit) => hit.entity.name,
          ),
        ).toContain(name)
      }
    })

    it('shares data between stores opened at the same location', async () => {
      const location = backend.location()
      const writer = await backend.open(location)
      const reader = await backend.open(location)
      try {
        await writer.apply(changes([entity('Alice'), entity('Bob', { vector: axis(1) })], [assertion('alice', 'MANAGES', 'bob')]))
        expect(await reader.relations({ scope: ALICE, validOnly: true, limit: 10 })).toHaveLength(1)
      } finally {
        await writer.close()
        await reader.close()
      }
    })

    it('resolves and links against what another store wrote, deleted and restored after this one last read', async () => {
      const location = backend.location()
      const writer = await backend.open(location)
      const reader = await backend.open(location)
      const similar = async (vector: Vector) => (await reader.similarEntities(ALICE, [vector], 0.9))[0]?.entity.name ?? null
      const linked = async (vector: Vector) =>
        (await reader.linkEntities({ scope: ALICE, vector, text: matchText('nothing named'), minSimilarity: 0.9, limit: 5 })).map((hit) => hit.entity.name)
      try {
        await writer.apply(changes([entity('Alice'), entity('Bob', { vector: axis(1) })], []))
        expect(await similar(axis(1))).toBe('Bob')
        // Written after the reader's first look: a new entity, and one mentioned again.
        await writer.apply(changes([entity('Carol', { vector: axis(3) }), entity('Bob', { vector: axis(1) })], []))
        expect(await similar(axis(3))).toBe('Carol')
        expect((await reader.similarEntities(ALICE, [axis(1)], 0.9))[0]?.entity.mentions).toBe(2)
        expect(await linked(axis(3))).toEqual(['Carol'])

        await writer.deleteScope(ALICE)
        expect(await similar(axis(1))).toBeNull()
        expect(await linked(axis(3))).toEqual([])

        // The scope written again from scratch, and an entity restored with a new embedding.
        await writer.apply(changes([entity('Dana', { vector: axis(4) })], []))
        expect(await similar(axis(4))).toBe('Dana')
        const [dana] = await writer.entitiesByKey(ALICE, ['dana'])
        await writer.restore({ entities: [{ ...dana!, vector: axis(5) }], relations: [] })
        expect(await similar(axis(4))).toBeNull()
        expect(await similar(axis(5))).toBe('Dana')
      } finally {
        await writer.close()
        await reader.close()
      }
    })
  })
})

describe.each(GRAPH_STORE_BACKENDS)('$name: graph store restore', (backend) => {
  let store: GraphStore
  beforeAll(async () => {
    store = await backend.open()
  })
  afterEach(() => store.reset())
  afterAll(() => store.close())

  const stored = (id: string, name: string, vector: Vector, scope: Scope = ALICE) => ({
    id,
    key: entityKey(name),
    name,
    type: 'person',
    scope,
    mentions: 3,
    createdAt: '2020-01-01T00:00:00.000Z',
    updatedAt: '2020-02-01T00:00:00.000Z',
    vector,
  })
  const ref = ({ id, name, type }: { id: string; name: string; type: string }) => ({ id, name, type })
  const alice = stored('6f1c0d52-0000-4000-8000-000000000001', 'Alice', axis(0))
  const bob = stored('6f1c0d52-0000-4000-8000-000000000002', 'Bob', axis(1))
  const ended: StoredRelation = {
    id: '6f1c0d52-0000-4000-8000-0000000000a1',
    source: ref(alice),
    relationship: 'MANAGES',
    destination: ref(bob),
    validFrom: '2020-01-01T00:00:00.000Z',
    validTo: '2020-06-01T00:00:00.000Z',
    mentions: 2,
    memoryIds: ['m1', 'm2'],
    scope: ALICE,
    createdAt: '2020-01-01T00:00:00.000Z',
    updatedAt: '2020-06-01T00:00:00.000Z',
  }
  const valid: StoredRelation = {
    ...ended,
    id: '6f1c0d52-0000-4000-8000-0000000000a2',
    validFrom: '2021-01-01T00:00:00.000Z',
    validTo: null,
    mentions: 1,
    memoryIds: ['m3'],
  }

  it('writes entities and relations exactly as given, invalidated ones and provenance included', async () => {
    await store.restore({ entities: [alice, bob], relations: [ended, valid] })
    const { vector: _a, ...aliceStored } = alice
    const { vector: _b, ...bobStored } = bob
    expect(await store.entities({ scope: ALICE, limit: 10 })).toEqual([aliceStored, bobStored])
    const relations = await store.relations({ scope: ALICE, validOnly: false, limit: 10 })
    expect(relations.sort((a, b) => a.id.localeCompare(b.id))).toEqual([ended, valid])
    expect(await store.relations({ scope: ALICE, validOnly: true, limit: 10 })).toEqual([valid])
    // Restored entities take part in resolution and walks like written ones.
    expect((await store.similarEntities(ALICE, [axis(1)], 0.9))[0]?.entity.id).toBe(bob.id)
    expect((await store.traverse({ scope: ALICE, seeds: [alice.id], hops: 1, limit: 5 })).map(describePath)).toEqual(['Alice MANAGES Bob'])
  })

  it('replaces what has the same id, so restoring twice stores everything once', async () => {
    await store.restore({ entities: [alice, bob], relations: [ended, valid] })
    await store.restore({ entities: [alice, bob], relations: [ended, { ...valid, memoryIds: ['m4'] }] })
    expect(await store.entities({ scope: ALICE, limit: 10 })).toHaveLength(2)
    const relations = await store.relations({ scope: ALICE, validOnly: false, limit: 10 })
    expect(relations.map((relation) => [relation.id, relation.memoryIds]).sort()).toEqual([
      [ended.id, ['m1', 'm2']],
      [valid.id, ['m4']],
    ])
  })

  it('refuses a hostile relationship type and a relation without its endpoints, writing nothing', async () => {
    expect(await rejection(store.restore({ entities: [alice, bob], relations: [{ ...valid, relationship: 'KNOWS]->() DETACH DELETE n //' }] }))).toMatchObject({
      code: 'INVALID_INPUT',
    })
    expect(await rejection(store.restore({ entities: [alice], relations: [valid] }))).toMatchObject({ code: 'INVALID_INPUT' })
    expect(await store.entities({ scope: ALICE, limit: 10 })).toEqual([])
  })
})
