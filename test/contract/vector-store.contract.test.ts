import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Metadata, Scope } from '../../src/input.js'
import type { HybridQuery, MemoryType, MemoryWrite, StoredMemory, Vector, VectorStore } from '../../src/ports.js'
import { VECTOR_STORE_BACKENDS } from './backends.js'
import { rejection } from '../helpers/rejection.js'

const DIMENSION = 8

/** A unit vector from its components (the rest zero), L2-normalised like every embedder's output. */
function unit(...components: number[]): Vector {
  const vector = new Float32Array(DIMENSION)
  vector.set(components)
  const norm = Math.hypot(...vector)
  return vector.map((value) => value / norm)
}

/** A unit vector at `angle` radians from e0 in the e0/e1 plane: similarity to e0 is cos(angle). */
const atAngle = (angle: number): Vector => unit(Math.cos(angle), Math.sin(angle))

let clock = Date.parse('2024-01-01T00:00:00.000Z')

interface MemoryOptions {
  vector?: Vector
  scope?: Scope
  metadata?: Metadata
  expiresAt?: string | null
  memoryType?: MemoryType
  mentions?: number
  updatedAt?: string
}

/** A memory to insert; each one is a millisecond newer than the previous. Default: a fact that never expires, stated once. */
function memory(id: string, text: string, options: MemoryOptions = {}): MemoryWrite {
  clock += 1
  const at = new Date(clock).toISOString()
  return {
    id,
    text,
    hash: createHash('md5').update(text).digest('hex'),
    metadata: options.metadata ?? {},
    scope: options.scope ?? { userId: 'alice' },
    createdAt: at,
    updatedAt: options.updatedAt ?? at,
    observedAt: at,
    expiresAt: options.expiresAt ?? null,
    memoryType: options.memoryType ?? 'semantic',
    mentions: options.mentions ?? 1,
    vector: options.vector ?? unit(1),
  }
}

/** What a read returns of a written memory. */
const stored = ({ vector: _vector, ...memory }: MemoryWrite): StoredMemory => memory

const ids = (hits: Array<{ memory: { id: string } } | { id: string }>) => hits.map((hit) => ('memory' in hit ? hit.memory.id : hit.id))

describe.each(VECTOR_STORE_BACKENDS)('$name: vector store contract', (backend) => {
  let store: VectorStore
  beforeAll(async () => {
    store = await backend.open()
  })
  afterEach(() => store.reset())
  afterAll(() => store.close())

  describe('writes and reads', () => {
    const hostileTexts = [
      `she said "hi" and 'bye'`,
      'code: `rm -rf /` and ```fenced```',
      'emoji 🎉🧠 and flags 🇫🇷, ZWJ 👩‍💻',
      'Ünïcödé café, 中文, العربية, עברית, ελληνικά',
      "SQL-ish '); DROP TABLE memories; --",
      'x'.repeat(10_000),
    ]

    it('round-trips hostile texts exactly', async () => {
      const written = hostileTexts.map((text, index) => memory(`m${index}`, text))
      await store.insert(written)
      for (const original of written) {
        const { vector: _vector, ...stored } = original
        expect(await store.get(original.id)).toEqual(stored)
      }
    })

    it('round-trips metadata values of every scalar type exactly', async () => {
      const metadata: Metadata = {
        text: 'plain',
        quoted: `"quotes" and \\backslash`,
        empty: '',
        integer: 42,
        negative: -7,
        fraction: 0.1,
        large: Number.MAX_SAFE_INTEGER,
        tiny: 5e-324,
        yes: true,
        no: false,
        nothing: null,
      }
      await store.insert([memory('meta', 'has metadata', { metadata })])
      const stored = await store.get('meta')
      expect(stored?.metadata).toStrictEqual(metadata)
    })

    it('returns null for an unknown id', async () => {
      expect(await store.get('missing')).toBeNull()
    })

    it('gets many by id in the order asked, leaving out unknown ids, whatever their scope', async () => {
      await store.insert([memory('g1', 'first'), memory('g2', 'second', { scope: { userId: 'bob' } }), memory('g3', 'third')])
      const found = await store.getMany(['g3', 'missing', 'g1', 'g2'])
      expect(found.map((stored) => stored.id)).toEqual(['g3', 'g1', 'g2'])
      expect(found[0]).toEqual(await store.get('g3'))
      expect(await store.getMany([])).toEqual([])
    })

    it('lists newest first, up to the limit', async () => {
      await store.insert([memory('old', 'first'), memory('mid', 'second'), memory('new', 'third')])
      expect(ids(await store.list({ scope: { userId: 'alice' }, limit: 10 }))).toEqual(['new', 'mid', 'old'])
      expect(ids(await store.list({ scope: { userId: 'alice' }, limit: 2 }))).toEqual(['new', 'mid'])
    })

    it('updates text, hash, vector, metadata, updatedAt and observedAt but keeps scope and createdAt', async () => {
      const original = memory('u', 'likes tea', { scope: { userId: 'alice', runId: 'r1' }, metadata: { mood: 'calm' } })
      await store.insert([original])
      expect(ids(await store.nearest({ scope: { userId: 'alice' }, vector: unit(1), limit: 1 }))).toEqual(['u'])
      const changed = { ...memory('u', 'likes coffee', { vector: unit(0, 1), metadata: { mood: 'awake' } }), createdAt: '1999-01-01T00:00:00.000Z' }
      await store.update(changed)
      expect(await store.get('u')).toEqual({
        id: 'u',
        text: 'likes coffee',
        hash: changed.hash,
        metadata: { mood: 'awake' },
        scope: { userId: 'alice', runId: 'r1' },
        createdAt: original.createdAt,
        updatedAt: changed.updatedAt,
        observedAt: changed.observedAt,
        expiresAt: null,
        memoryType: 'semantic',
        mentions: 1,
      })
      const [hit] = await store.nearest({ scope: { userId: 'alice' }, vector: unit(0, 1), limit: 1 })
      expect(hit?.similarity).toBeCloseTo(1, 6)
      const [keywordHit] = await store.search({ scope: { userId: 'alice' }, vector: unit(0, 0, 1), text: 'coffee', limit: 1 })
      expect(keywordHit?.explain.keywordRank).toBe(1)
      const [staleHit] = await store.search({ scope: { userId: 'alice' }, vector: unit(0, 0, 1), text: 'tea', limit: 1 })
      expect(staleHit?.explain.keywordRank).toBeUndefined()
    })

    it('refuses to update a memory that does not exist', async () => {
      expect((await rejection(store.update(memory('ghost', 'boo')))).code).toBe('NOT_FOUND')
    })

    it('deletes by id, ignoring unknown ids, and the keyword index forgets them', async () => {
      await store.insert([memory('a', 'apple pie'), memory('b', 'banana bread'), memory('c', 'cherry tart')])
      expect(await store.nearest({ scope: { userId: 'alice' }, vector: unit(1), limit: 10 })).toHaveLength(3)
      await store.delete(['a', 'c', 'unknown'])
      expect(ids(await store.list({ scope: { userId: 'alice' }, limit: 10 }))).toEqual(['b'])
      const hits = await store.search({ scope: { userId: 'alice' }, vector: unit(0, 1), text: 'apple cherry', limit: 10 })
      expect(ids(hits)).toEqual(['b'])
      expect(hits[0]?.explain.keywordRank).toBeUndefined()
    })

    it('writes a batch all or nothing: a duplicate id rejects the whole insert', async () => {
      await store.insert([memory('taken', 'first')])
      const error = await rejection(store.insert([memory('fresh', 'second'), memory('taken', 'again')]))
      expect(error.code).toBe('INVALID_INPUT')
      expect(await store.get('fresh')).toBeNull()
      expect((await store.get('taken'))?.text).toBe('first')
    })

    it('finds a 10,000-character memory by a keyword at its end', async () => {
      await store.insert([memory('long', `${'filler '.repeat(1420)}zeppelin`), memory('short', 'nothing here')])
      const hits = await store.search({ scope: { userId: 'alice' }, vector: unit(0, 1), text: 'zeppelin', limit: 1 })
      expect(ids(hits)).toEqual(['long'])
    })
  })

  describe('nearest', () => {
    it('orders by cosine similarity and reports it', async () => {
      await store.insert([
        memory('orthogonal', 'o', { vector: unit(0, 1) }),
        memory('opposite', 'x', { vector: unit(-1) }),
        memory('same', 's', { vector: unit(1) }),
        memory('diagonal', 'd', { vector: unit(1, 1) }),
        memory('close', 'c', { vector: atAngle(0.1) }),
      ])
      const hits = await store.nearest({ scope: { userId: 'alice' }, vector: unit(1), limit: 10 })
      expect(ids(hits)).toEqual(['same', 'close', 'diagonal', 'orthogonal', 'opposite'])
      const expected = [1, Math.cos(0.1), Math.SQRT1_2, 0, -1]
      for (const [index, hit] of hits.entries()) expect(hit.similarity).toBeCloseTo(expected[index]!, 6)
      expect(ids(await store.nearest({ scope: { userId: 'alice' }, vector: unit(1), limit: 2 }))).toEqual(['same', 'close'])
    })

    it('scores a new memory by its own vector after the newest one was deleted', async () => {
      // Row numbers of deleted rows may be handed out again; no vector of the old row may linger.
      await store.insert([memory('keep', 'k', { vector: unit(1) }), memory('gone', 'g', { vector: unit(1) })])
      expect(await store.nearest({ scope: { userId: 'alice' }, vector: unit(1), limit: 10 })).toHaveLength(2)
      await store.delete(['gone'])
      await store.insert([memory('new', 'n', { vector: unit(0, 1) })])
      const hits = await store.nearest({ scope: { userId: 'alice' }, vector: unit(0, 1), limit: 10 })
      expect(ids(hits)).toEqual(['new', 'keep'])
      expect(hits[0]?.similarity).toBeCloseTo(1, 6)
      await store.deleteScope({ userId: 'alice' })
      await store.insert([memory('newer', 'n', { vector: unit(0, 0, 1) })])
      const [newer] = await store.nearest({ scope: { userId: 'alice' }, vector: unit(0, 0, 1), limit: 10 })
      expect(newer?.similarity).toBeCloseTo(1, 6)
    })

    it('returns nothing from an empty store', async () => {
      expect(await store.nearest({ scope: { userId: 'alice' }, vector: unit(1), limit: 5 })).toEqual([])
    })
  })

  describe('scopes', () => {
    const scopes: Record<string, Scope> = {
      a: { userId: 'a' },
      ax: { userId: 'a', agentId: 'x' },
      ay: { userId: 'a', agentId: 'y' },
      axr: { userId: 'a', agentId: 'x', runId: 'r' },
      b: { userId: 'b' },
      x: { agentId: 'x' },
    }
    const cases: Array<[Scope, string[]]> = [
      [{ userId: 'a' }, ['a', 'ax', 'axr', 'ay']],
      [{ userId: 'a', agentId: 'x' }, ['ax', 'axr']],
      [{ userId: 'a', agentId: 'y' }, ['ay']],
      [{ userId: 'a', runId: 'r' }, ['axr']],
      [{ agentId: 'x' }, ['ax', 'axr', 'x']],
      [{ userId: 'b' }, ['b']],
      [{ userId: 'b', agentId: 'x' }, []],
      [{ userId: 'nobody' }, []],
    ]

    const seed = () => store.insert(Object.entries(scopes).map(([id, scope]) => memory(id, `shared words ${id}`, { scope, vector: unit(1, id.length) })))

    it.each(cases)('%o sees exactly %o in list, nearest and search', async (scope, expected) => {
      await seed()
      const sorted = (found: string[]) => [...found].sort()
      expect(sorted(ids(await store.list({ scope, limit: 100 })))).toEqual(expected)
      expect(sorted(ids(await store.nearest({ scope, vector: unit(1), limit: 100 })))).toEqual(expected)
      expect(sorted(ids(await store.search({ scope, vector: unit(1), text: 'shared words', limit: 100 })))).toEqual(expected)
    })

    const exactCases: Array<[Scope, string[]]> = [
      [{ userId: 'a' }, ['a']],
      [{ userId: 'a', agentId: 'x' }, ['ax']],
      [{ userId: 'a', agentId: 'x', runId: 'r' }, ['axr']],
      [{ agentId: 'x' }, ['x']],
      [{ userId: 'a', runId: 'r' }, []],
      [{ userId: 'b', agentId: 'x' }, []],
    ]

    it.each(exactCases)('with exactScope, %o holds exactly %o in list, nearest and search', async (scope, expected) => {
      await seed()
      const sorted = (found: string[]) => [...found].sort()
      expect(sorted(ids(await store.list({ scope, exactScope: true, limit: 100 })))).toEqual(expected)
      expect(sorted(ids(await store.nearest({ scope, exactScope: true, vector: unit(1), limit: 100 })))).toEqual(expected)
      expect(sorted(ids(await store.nearest({ scope, exactScope: true, vector: unit(1), limit: 1 })))).toEqual(expected.slice(0, 1))
      expect(sorted(ids(await store.search({ scope, exactScope: true, vector: unit(1), text: 'shared words', limit: 100 })))).toEqual(expected)
    })

    it('deleteScope deletes exactly what the scope sees and returns those memories', async () => {
      await seed()
      expect(ids(await store.deleteScope({ userId: 'a', agentId: 'x' })).sort()).toEqual(['ax', 'axr'])
      expect(ids(await store.list({ scope: { userId: 'a' }, limit: 100 })).sort()).toEqual(['a', 'ay'])
      expect(ids(await store.list({ scope: { agentId: 'x' }, limit: 100 }))).toEqual(['x'])
      const deleted = await store.deleteScope({ userId: 'a' })
      expect(ids(deleted).sort()).toEqual(['a', 'ay'])
      expect(deleted.find((gone) => gone.id === 'ay')).toMatchObject({ text: 'shared words ay', scope: scopes.ay })
      expect(await store.deleteScope({ userId: 'a' })).toEqual([])
      expect(ids(await store.list({ scope: {}, limit: 100 })).sort()).toEqual(['b', 'x'])
    })

    it('deleteScope refuses an empty scope and deletes nothing', async () => {
      await seed()
      expect((await rejection(store.deleteScope({}))).code).toBe('INVALID_INPUT')
      expect(await store.list({ scope: {}, limit: 100 })).toHaveLength(Object.keys(scopes).length)
    })
  })

  describe('metadata filters', () => {
    it('apply inside the query, not to a global top-k', async () => {
      // 500 decoys sit closer to the query than the 3 wanted memories and share its keyword:
      // a store that filtered a global top-k afterwards would return none of the 3.
      const decoys = Array.from({ length: 500 }, (_, index) =>
        memory(`decoy${index}`, `needle decoy ${index}`, { vector: atAngle(0.001 * (index + 1)), metadata: { k: 'other' } }),
      )
      const wanted = [1, 2, 3].map((index) =>
        memory(`wanted${index}`, `needle wanted ${index}`, { vector: atAngle(1 + index / 10), metadata: { k: 'wanted' } }),
      )
      await store.insert([...decoys, ...wanted])
      const filter = { scope: { userId: 'alice' }, filters: { k: 'wanted' }, vector: unit(1), limit: 3 }
      expect(ids(await store.nearest(filter))).toEqual(['wanted1', 'wanted2', 'wanted3'])
      expect(ids(await store.search({ ...filter, text: 'needle' }))).toEqual(['wanted1', 'wanted2', 'wanted3'])
      expect(ids(await store.list({ ...filter, limit: 10 })).sort()).toEqual(['wanted1', 'wanted2', 'wanted3'])
    })

    it('compare type and value: true is not 1, "1" is not 1, null matches only an explicit null', async () => {
      await store.insert([
        memory('number', 'n', { metadata: { v: 1 } }),
        memory('string', 's', { metadata: { v: '1' } }),
        memory('boolean', 'b', { metadata: { v: true } }),
        memory('false', 'f', { metadata: { v: false } }),
        memory('null', 'z', { metadata: { v: null } }),
        memory('absent', 'a', { metadata: {} }),
        memory('fraction', 'r', { metadata: { v: 1.5 } }),
      ])
      const matching = async (filters: Metadata) => ids(await store.list({ scope: { userId: 'alice' }, filters, limit: 100 })).sort()
      expect(await matching({ v: 1 })).toEqual(['number'])
      expect(await matching({ v: '1' })).toEqual(['string'])
      expect(await matching({ v: true })).toEqual(['boolean'])
      expect(await matching({ v: false })).toEqual(['false'])
      expect(await matching({ v: 0 })).toEqual([])
      expect(await matching({ v: null })).toEqual(['null'])
      expect(await matching({ v: 1.5 })).toEqual(['fraction'])
      expect(await matching({})).toHaveLength(7)
    })

    it('combine keys with AND and address keys with dots or quotes literally', async () => {
      await store.insert([
        memory('both', 'x', { metadata: { a: 'yes', b: 'yes' } }),
        memory('one', 'y', { metadata: { a: 'yes', b: 'no' } }),
        memory('dotted', 'z', { metadata: { 'a.b': 'dot', 'say "hi"': 'quote' } }),
      ])
      const matching = async (filters: Metadata) => ids(await store.list({ scope: { userId: 'alice' }, filters, limit: 100 })).sort()
      expect(await matching({ a: 'yes', b: 'yes' })).toEqual(['both'])
      expect(await matching({ a: 'yes' })).toEqual(['both', 'one'])
      expect(await matching({ 'a.b': 'dot' })).toEqual(['dotted'])
      expect(await matching({ 'say "hi"': 'quote' })).toEqual(['dotted'])
    })
  })

  describe('hybrid search', () => {
    it('ranks an exact keyword match first even when it is not the vector nearest', async () => {
      await store.insert([
        memory('nearest', 'enjoys long walks on the beach', { vector: unit(1) }),
        memory('second', 'reads novels at night', { vector: atAngle(0.2) }),
        memory('keyword', 'is allergic to pomegranate', { vector: atAngle(0.4) }),
        memory('far', 'drives a blue car', { vector: unit(0, 1) }),
      ])
      const hits = await store.search({ scope: { userId: 'alice' }, vector: unit(1), text: 'Pomegranate?', limit: 4 })
      expect(ids(hits)[0]).toBe('keyword')
      const [top] = hits
      expect(top!.explain).toMatchObject({ vectorRank: 3, keywordRank: 1 })
      expect(top!.explain.vectorSimilarity).toBeCloseTo(Math.cos(0.4), 6)
      expect(top!.explain.keywordScore).toBeGreaterThan(0)
      expect(top!.score).toBeCloseTo((1 / 61 + 1 / 63) / (2 / 61), 9)
      expect(top!.explain.fused).toBeCloseTo(1 / 61 + 1 / 63, 9)
      const nearest = hits.find((hit) => hit.memory.id === 'nearest')!
      expect(nearest.explain).toEqual({ vectorSimilarity: expect.closeTo(1, 6), vectorRank: 1, fused: 1 / 61 })
      for (const hit of hits) expect(hit.score).toBeGreaterThan(0)
      for (const hit of hits) expect(hit.score).toBeLessThanOrEqual(1)
      expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => b - a))
    })

    it('matches keywords regardless of case and diacritics', async () => {
      await store.insert([memory('cafe', 'Meets friends at the Café Noir', { vector: unit(0, 1) }), memory('other', 'stays home', { vector: unit(1) })])
      for (const text of ['cafe', 'CAFÉ', 'cafe\u0301', 'noir']) {
        const [top] = await store.search({ scope: { userId: 'alice' }, vector: unit(1), text, limit: 2 })
        expect(top?.explain.keywordRank, text).toBe(1)
        expect(top?.memory.id).toBe('cafe')
      }
    })

    it('scores 1 for the first of both lists', async () => {
      await store.insert([memory('best', 'pomegranate juice', { vector: unit(1) }), memory('other', 'water', { vector: unit(0, 1) })])
      const [top] = await store.search({ scope: { userId: 'alice' }, vector: unit(1), text: 'pomegranate', limit: 2 })
      expect(top?.memory.id).toBe('best')
      expect(top?.score).toBeCloseTo(1, 9)
    })

    it('computes the vector similarity of a keyword-only hit', async () => {
      // 60 memories closer to the query fill the vector list (50 candidates for limit 2).
      const close = Array.from({ length: 60 }, (_, index) => memory(`close${index}`, `plain ${index}`, { vector: atAngle(0.001 * (index + 1)) }))
      await store.insert([...close, memory('rare', 'mentions a zeppelin', { vector: unit(0, 1) })])
      const hits = await store.search({ scope: { userId: 'alice' }, vector: unit(1), text: 'zeppelin', limit: 2 })
      const rare = hits.find((hit) => hit.memory.id === 'rare')!
      expect(rare.explain.keywordRank).toBe(1)
      expect(rare.explain.vectorRank).toBeUndefined()
      expect(rare.explain.vectorSimilarity).toBeCloseTo(0, 6)
    })

    it("scores and orders one scope's keyword hits by that scope's memories alone", async () => {
      const mallory = { userId: 'mallory' }
      await store.insert([
        memory('apple', 'apple pie recipe', { scope: mallory, vector: unit(0, 1) }),
        memory('cherry', 'cherry pie recipe', { scope: mallory, vector: unit(0, 0, 1) }),
        memory('plain', 'walks the dog', { scope: mallory, vector: unit(0, 0, 0, 1) }),
      ])
      const query: HybridQuery = { scope: mallory, vector: unit(1), text: 'apple cherry', limit: 10 }
      const alone = await store.search(query)
      expect(ids(alone).slice(0, 2)).toEqual(['apple', 'cherry'])
      // Other scopes' memories full of one query word (and a scope that sees mallory's memories
      // and more) leave mallory's results, scores and explanations exactly as they were.
      await store.insert([
        ...Array.from({ length: 30 }, (_, index) => memory(`alice${index}`, `apple apple ${index}`, { scope: { userId: 'alice' }, vector: unit(1) })),
        memory('narrow', 'apple and cherry', { scope: { userId: 'alice', agentId: 'mallory' }, vector: unit(1) }),
        memory('agent', 'a long text that mentions cherry once among many other words', { scope: { agentId: 'x' }, vector: unit(1) }),
      ])
      expect(await store.search(query)).toEqual(alone)
      const scores = alone.map((hit) => hit.explain.keywordScore)
      expect(scores[0]).toBeGreaterThan(0)
      expect(scores[0]).toBe(scores[1])
    })

    it("scores keyword hits by BM25 over the scope's memories (Lucene idf, k1 1.2, b 0.75): shorter ones higher", async () => {
      await store.insert([
        memory('rare', 'owns a kayak', { vector: unit(0, 1) }),
        memory('common', 'owns a car', { vector: unit(0, 1) }),
        memory('common2', 'drives a car daily', { vector: unit(0, 1) }),
        memory('long', 'owns a kayak and a tent and a bicycle and a canoe', { vector: unit(0, 1) }),
      ])
      const hits = await store.search({ scope: { userId: 'alice' }, vector: unit(1), text: 'kayak car', limit: 10 })
      const score = (id: string) => hits.find((hit) => hit.memory.id === id)!.explain.keywordScore!
      // N = 4, kayak in 2, car in 2: equal idf; average length 22 / 4 = 5.5 terms.
      const idf = Math.log(1 + (4 - 2 + 0.5) / (2 + 0.5))
      const bm25 = (length: number) => (idf * 2.2) / (1 + 1.2 * (0.25 + (0.75 * length) / 5.5))
      expect(score('rare')).toBeCloseTo(bm25(3), 9)
      expect(score('long')).toBeCloseTo(bm25(12), 9)
      expect(score('common2')).toBeCloseTo(bm25(4), 9)
      expect(ids(hits.filter((hit) => hit.explain.keywordRank !== undefined))).toEqual(['rare', 'common', 'common2', 'long'])
      // The match is the score over the query's whole idf: here both terms, each held by two memories.
      const match = (found: typeof hits, id: string) => found.find((hit) => hit.memory.id === id)!.explain.keywordMatch!
      expect(match(hits, 'rare')).toBeCloseTo(bm25(3) / (2 * idf), 9)
      // A query word no memory holds still weighs in the whole: the same memory matches less of that query.
      const unmatched = await store.search({ scope: { userId: 'alice' }, vector: unit(1), text: 'kayak zebra', limit: 10 })
      expect(match(unmatched, 'rare')).toBeCloseTo(bm25(3) / (idf + Math.log(1 + 4.5 / 0.5)), 9)
      expect(match(unmatched, 'rare')).toBeLessThan(match(hits, 'rare'))
    })

    it('returns each hit with its stored vector; `candidates` sets each list, and a limit of twice that returns both lists whole', async () => {
      const near = Array.from({ length: 4 }, (_, index) => memory(`near${index}`, `plain words ${index}`, { vector: atAngle(0.1 * (index + 1)) }))
      const keywordOnly = Array.from({ length: 4 }, (_, index) => memory(`kw${index}`, `zeppelin ${'x '.repeat(index)}`, { vector: unit(0, 1) }))
      await store.insert([...near, ...keywordOnly])
      const hits = await store.search({ scope: { userId: 'alice' }, vector: unit(1), text: 'zeppelin', limit: 4, candidates: 2 })
      // Two from each list: the two nearest by vector, the two best by keywords.
      expect([...ids(hits)].sort()).toEqual(['kw0', 'kw1', 'near0', 'near1'])
      for (const hit of hits) {
        const stored = [...near, ...keywordOnly].find((written) => written.id === hit.memory.id)!.vector
        expect(Array.from(hit.vector)).toEqual(Array.from(stored).map((value) => expect.closeTo(value, 6)))
      }
      // The default: each list holds candidatePoolSize(limit), at least 50, here every memory.
      expect(await store.search({ scope: { userId: 'alice' }, vector: unit(1), text: 'zeppelin', limit: 100 })).toHaveLength(8)
    })

    const hostileQueries = [
      '"',
      '""',
      '"unbalanced',
      '*',
      'pome*',
      'NEAR(',
      'NEAR(a b, 2)',
      'OR',
      'AND NOT',
      'a OR',
      '-',
      '-pomegranate',
      '^',
      '^start',
      ':',
      'text:pomegranate',
      '{text}: x',
      '(',
      ')',
      "'",
      '\\',
      '🎉🧠',
      '',
      '   ',
      '?!.,;',
      'NULL',
      '%_',
      '\u0000',
    ]

    it.each(hostileQueries)('does not throw on the query text %j', async (text) => {
      await store.insert([memory('p', 'pomegranate and NEAR or AND text', { vector: unit(1) })])
      const hits = await store.search({ scope: { userId: 'alice' }, vector: unit(1), text, limit: 5 })
      expect(ids(hits)).toEqual(['p'])
    })
  })

  describe('dimension', () => {
    it('rejects vectors of another dimension than the store was built with, until reset', async () => {
      await store.insert([memory('eight', 'eight dims')])
      const four = new Float32Array([1, 0, 0, 0])
      const insertError = await rejection(store.insert([{ ...memory('four', 'four dims'), vector: four }]))
      expect(insertError.code).toBe('INVALID_CONFIG')
      expect(insertError.message).toMatch(/embedding model/)
      expect((await rejection(store.update({ ...memory('eight', 'four dims'), vector: four }))).code).toBe('INVALID_CONFIG')
      expect((await rejection(store.nearest({ scope: { userId: 'alice' }, vector: four, limit: 1 }))).code).toBe('INVALID_CONFIG')
      expect((await rejection(store.search({ scope: { userId: 'alice' }, vector: four, text: 'dims', limit: 1 }))).code).toBe('INVALID_CONFIG')
      expect(await store.get('four')).toBeNull()
      await store.reset()
      await store.insert([{ ...memory('four', 'four dims'), vector: four }])
      expect(ids(await store.nearest({ scope: { userId: 'alice' }, vector: four, limit: 1 }))).toEqual(['four'])
    })
  })

  describe('several connections to one location', () => {
    it('keeps what was written after close and reopen', async () => {
      const location = backend.location()
      const first = await backend.open(location)
      await first.insert([memory('kept', 'survives a restart', { vector: unit(0, 1) })])
      await first.close()
      const second = await backend.open(location)
      try {
        expect((await second.get('kept'))?.text).toBe('survives a restart')
        const [hit] = await second.nearest({ scope: { userId: 'alice' }, vector: unit(0, 1), limit: 1 })
        expect(hit?.similarity).toBeCloseTo(1, 6)
      } finally {
        await second.close()
      }
    })

    it('searches with the vectors another connection inserted, updated and deleted', async () => {
      const location = backend.location()
      const [reader, writer] = [await backend.open(location), await backend.open(location)]
      const similarity = async (vector: Vector) => {
        const hits = await reader.search({ scope: { userId: 'alice' }, vector, text: 'shared', limit: 10 })
        return Object.fromEntries(hits.map((hit) => [hit.memory.id, Math.round(hit.explain.vectorSimilarity! * 1e6) / 1e6]))
      }
      try {
        await reader.insert([memory('mine', 'shared mine', { vector: unit(1) })])
        expect(await similarity(unit(1))).toEqual({ mine: 1 })
        await writer.insert([memory('theirs', 'shared theirs', { vector: unit(0, 1) })])
        expect(await similarity(unit(0, 1))).toEqual({ mine: 0, theirs: 1 })
        await reader.insert([memory('later', 'shared later', { vector: unit(0, 0, 1) })])
        expect(await similarity(unit(0, 0, 1))).toEqual({ mine: 0, theirs: 0, later: 1 })
        // The reader writes right after someone else did, before reading again.
        await writer.update(memory('mine', 'shared mine', { vector: unit(0, 0, 1) }))
        await reader.insert([memory('latest', 'shared latest', { vector: unit(0, 0, 0, 1) })])
        expect(await similarity(unit(0, 0, 1))).toEqual({ mine: 1, theirs: 0, later: 1, latest: 0 })
        await writer.delete(['theirs'])
        expect(await similarity(unit(0, 1))).toEqual({ mine: 0, later: 0, latest: 0 })
        await writer.reset()
        expect(await similarity(unit(1))).toEqual({})
        await writer.insert([{ ...memory('small', 'shared small'), vector: new Float32Array([0, 1, 0, 0]) }])
        expect(ids(await reader.nearest({ scope: { userId: 'alice' }, vector: new Float32Array([0, 1, 0, 0]), limit: 5 }))).toEqual(['small'])
      } finally {
        await reader.close()
        await writer.close()
      }
    })
  })

  describe('reset', () => {
    it('deletes every memory of every scope', async () => {
      await store.insert([memory('a', 'one', { scope: { userId: 'a' } }), memory('b', 'two', { scope: { agentId: 'b' } })])
      await store.reset()
      expect(await store.get('a')).toBeNull()
      expect(await store.list({ scope: {}, limit: 10 })).toEqual([])
      expect(await store.search({ scope: { userId: 'a' }, vector: unit(1), text: 'one', limit: 10 })).toEqual([])
    })
  })
})

describe.each(VECTOR_STORE_BACKENDS)('$name: vector store restore', (backend) => {
  let store: VectorStore
  beforeAll(async () => {
    store = await backend.open()
  })
  afterEach(() => store.reset())
  afterAll(() => store.close())

  it('writes memories exactly as given, timestamps and hash included, and finds them by vector and keyword', async () => {
    const exported: MemoryWrite = {
      ...memory('r1', 'likes green tea', {
        vector: unit(0, 1),
        metadata: { source: 'import', stars: 3, draft: false, none: null },
        scope: { userId: 'alice', agentId: 'x' },
      }),
      hash: 'not-the-md5-of-the-text',
      createdAt: '2020-01-01T00:00:00.000Z',
      updatedAt: '2021-01-01T00:00:00.000Z',
      observedAt: '2019-01-01T00:00:00.000Z',
    }
    await store.restore([exported])
    const { vector: _vector, ...stored } = exported
    expect(await store.get('r1')).toEqual(stored)
    expect(ids(await store.nearest({ scope: { userId: 'alice' }, vector: unit(0, 1), limit: 1 }))).toEqual(['r1'])
    expect(ids(await store.search({ scope: { agentId: 'x' }, vector: unit(1), text: 'green', limit: 1 }))).toEqual(['r1'])
  })

  it('replaces a memory with the same id, so restoring twice stores it once', async () => {
    await store.insert([memory('r2', 'old text', { vector: unit(1) })])
    const again = { ...memory('r2', 'restored text', { vector: unit(0, 0, 1) }), createdAt: '2020-02-02T00:00:00.000Z' }
    await store.restore([again])
    await store.restore([again])
    expect(await store.list({ scope: { userId: 'alice' }, limit: 10 })).toHaveLength(1)
    expect(await store.get('r2')).toMatchObject({ text: 'restored text', createdAt: '2020-02-02T00:00:00.000Z' })
    expect(ids(await store.nearest({ scope: { userId: 'alice' }, vector: unit(0, 0, 1), limit: 1 }))).toEqual(['r2'])
    // The keyword index holds the restored text, not the replaced one.
    const keywordRank = async (text: string) => (await store.search({ scope: { userId: 'alice' }, vector: unit(1), text, limit: 5 }))[0]?.explain.keywordRank
    expect(await keywordRank('restored')).toBe(1)
    expect(await keywordRank('old')).toBeUndefined()
  })

  it('refuses vectors of another dimension than the stored ones', async () => {
    await store.insert([memory('r3', 'eight dimensions')])
    const error = await rejection(store.restore([{ ...memory('r4', 'four'), vector: new Float32Array([1, 0, 0, 0]) }]))
    expect(error).toMatchObject({ code: 'INVALID_CONFIG' })
  })
})

describe.each(VECTOR_STORE_BACKENDS)('$name: vector store lifecycle', (backend) => {
  let store: VectorStore
  beforeAll(async () => {
    store = await backend.open()
  })
  afterEach(() => store.reset())
  afterAll(() => store.close())

  const BEFORE = '2024-05-01T00:00:00.000Z'
  const NOW = '2024-06-01T00:00:00.000Z'
  const AFTER = '2024-07-01T00:00:00.000Z'
  const alice: Scope = { userId: 'alice' }
  const byId = (memories: StoredMemory[]) => Object.fromEntries(memories.map((found) => [found.id, found]))

  it('round-trips expiresAt, memoryType and mentions through every read', async () => {
    const written = [
      memory('expiring', 'pomegranate expiring', { expiresAt: AFTER, mentions: 3, vector: unit(1) }),
      memory('procedure', 'pomegranate procedure', { memoryType: 'procedural', scope: { userId: 'alice', agentId: 'bot' }, mentions: 2, vector: atAngle(0.1) }),
      memory('plain', 'pomegranate plain', { vector: atAngle(0.2) }),
    ]
    await store.insert(written)
    const expected = written.map(stored)
    for (const one of expected) expect(await store.get(one.id)).toEqual(one)
    expect(await store.getMany(['plain', 'expiring', 'procedure'])).toEqual([expected[2], expected[0], expected[1]])
    expect(byId(await store.list({ scope: alice, limit: 10 }))).toEqual(byId(expected))
    expect(byId((await store.nearest({ scope: alice, vector: unit(1), limit: 10 })).map((hit) => hit.memory))).toEqual(byId(expected))
    // Vector orthogonal to all three: they come back through both halves of the search.
    const hits = await store.search({ scope: alice, vector: unit(0, 0, 1), text: 'pomegranate', limit: 10 })
    expect(byId(hits.map((hit) => hit.memory))).toEqual(byId(expected))
    expect(byId(await store.deleteScope(alice))).toEqual(byId(expected))
  })

  it('update writes expiresAt and mentions but keeps memoryType, and reads filter by the new values', async () => {
    await store.insert([memory('p', 'procedure one', { memoryType: 'procedural', scope: { userId: 'alice', agentId: 'bot' }, expiresAt: AFTER })])
    await store.update(memory('p', 'procedure two', { memoryType: 'semantic', expiresAt: null, mentions: 4, vector: unit(0, 1) }))
    expect(await store.get('p')).toMatchObject({ text: 'procedure two', memoryType: 'procedural', expiresAt: null, mentions: 4 })
    const [hit] = await store.nearest({ scope: alice, memoryType: 'procedural', activeAt: NOW, vector: unit(0, 1), limit: 5 })
    expect(hit?.similarity).toBeCloseTo(1, 6)
    // An update that makes it expired hides it from the reads that give activeAt.
    await store.update(memory('p', 'procedure three', { expiresAt: BEFORE, mentions: 4, vector: unit(0, 1) }))
    expect(await store.nearest({ scope: alice, activeAt: NOW, vector: unit(0, 1), limit: 5 })).toEqual([])
    expect(await store.search({ scope: alice, activeAt: NOW, vector: unit(0, 1), text: 'procedure', limit: 5 })).toEqual([])
    expect(await store.list({ scope: alice, activeAt: NOW, limit: 5 })).toEqual([])
    expect(ids(await store.nearest({ scope: alice, vector: unit(0, 1), limit: 5 }))).toEqual(['p'])
  })

  it('restore writes expiresAt, memoryType and mentions exactly, replacing those of the same id', async () => {
    await store.insert([memory('r', 'was a fact', { vector: unit(1) })])
    const restored = memory('r', 'is a procedure', { memoryType: 'procedural', scope: { agentId: 'bot' }, expiresAt: AFTER, mentions: 7, vector: unit(0, 1) })
    await store.restore([restored])
    expect(await store.get('r')).toEqual(stored(restored))
    expect(ids(await store.nearest({ scope: { agentId: 'bot' }, memoryType: 'procedural', activeAt: NOW, vector: unit(0, 1), limit: 5 }))).toEqual(['r'])
    expect(await store.nearest({ scope: { agentId: 'bot' }, activeAt: AFTER, vector: unit(0, 1), limit: 5 })).toEqual([])
  })

  type FilterCase = { name: string; filter: Pick<HybridQuery, 'memoryType' | 'activeAt' | 'updatedSince'>; admitted: MemoryOptions; rejected: MemoryOptions }
  const filterCases: FilterCase[] = [
    { name: 'memoryType procedural', filter: { memoryType: 'procedural' }, admitted: { memoryType: 'procedural' }, rejected: { memoryType: 'semantic' } },
    { name: 'memoryType semantic', filter: { memoryType: 'semantic' }, admitted: { memoryType: 'semantic' }, rejected: { memoryType: 'procedural' } },
    { name: 'activeAt (expiring later vs earlier)', filter: { activeAt: NOW }, admitted: { expiresAt: AFTER }, rejected: { expiresAt: BEFORE } },
    { name: 'activeAt (never vs exactly then)', filter: { activeAt: NOW }, admitted: { expiresAt: null }, rejected: { expiresAt: NOW } },
    { name: 'updatedSince (exactly then vs earlier)', filter: { updatedSince: NOW }, admitted: { updatedAt: NOW }, rejected: { updatedAt: BEFORE } },
  ]

  it.each(filterCases)('$name applies inside list, nearest and search, not to a global top-k', async ({ filter, admitted, rejected }) => {
    // 300 rejected decoys sit closer to the query, share its keyword and are newer: a store that
    // filtered a global top-k afterwards would return none of the 3 wanted memories.
    const wanted = [1, 2, 3].map((index) => memory(`wanted${index}`, `needle wanted ${index}`, { ...admitted, vector: atAngle(1 + index / 10) }))
    const decoys = Array.from({ length: 300 }, (_, index) =>
      memory(`decoy${index}`, `needle decoy ${index}`, { ...rejected, vector: atAngle(0.001 * (index + 1)) }),
    )
    await store.insert([...wanted, ...decoys])
    const query = { scope: alice, ...filter, vector: unit(1), limit: 3 }
    expect(ids(await store.nearest(query))).toEqual(['wanted1', 'wanted2', 'wanted3'])
    expect(ids(await store.search({ ...query, text: 'needle' }))).toEqual(['wanted1', 'wanted2', 'wanted3'])
    expect(ids(await store.list(query)).sort()).toEqual(['wanted1', 'wanted2', 'wanted3'])
    // Without the filter the decoys win, so the assertions above could fail.
    expect(ids(await store.nearest({ scope: alice, vector: unit(1), limit: 3 }))).toEqual(['decoy0', 'decoy1', 'decoy2'])
    expect(ids(await store.list({ scope: alice, limit: 3 }))).toEqual(['decoy299', 'decoy298', 'decoy297'])
  })

  it.each(filterCases)('$name applies to the keyword half of search', async ({ filter, admitted, rejected }) => {
    // 60 admitted memories closer to the query fill the vector list; both zeppelin memories can
    // only come back through the keyword list.
    const close = Array.from({ length: 60 }, (_, index) => memory(`close${index}`, `plain ${index}`, { ...admitted, vector: atAngle(0.001 * (index + 1)) }))
    await store.insert([
      ...close,
      memory('kept', 'mentions a zeppelin too', { ...admitted, vector: unit(0, 1) }),
      memory('rare', 'mentions a zeppelin', { ...rejected, vector: unit(0, 1) }),
    ])
    const query = { scope: alice, vector: unit(1), text: 'zeppelin', limit: 5 }
    const hits = await store.search({ ...query, ...filter })
    expect(ids(hits)).toContain('kept')
    expect(ids(hits)).not.toContain('rare')
    expect(hits.find((hit) => hit.memory.id === 'kept')?.explain.keywordRank).toBe(1)
    expect(ids(await store.search(query))).toContain('rare')
  })

  it('combines the lifecycle filters with each other, the scope and metadata', async () => {
    await store.insert([
      memory('match', 'm', { memoryType: 'procedural', expiresAt: AFTER, updatedAt: NOW, metadata: { k: 'v' } }),
      memory('wrong-type', 'm', { expiresAt: AFTER, updatedAt: NOW, metadata: { k: 'v' } }),
      memory('expired', 'm', { memoryType: 'procedural', expiresAt: BEFORE, updatedAt: NOW, metadata: { k: 'v' } }),
      memory('stale', 'm', { memoryType: 'procedural', updatedAt: BEFORE, metadata: { k: 'v' } }),
      memory('other-metadata', 'm', { memoryType: 'procedural', updatedAt: NOW, metadata: { k: 'w' } }),
      memory('other-user', 'm', { memoryType: 'procedural', updatedAt: NOW, metadata: { k: 'v' }, scope: { userId: 'bob' } }),
    ])
    const filter = { scope: alice, filters: { k: 'v' }, memoryType: 'procedural' as const, activeAt: NOW, updatedSince: NOW }
    expect(ids(await store.list({ ...filter, limit: 10 }))).toEqual(['match'])
    expect(ids(await store.nearest({ ...filter, vector: unit(1), limit: 10 }))).toEqual(['match'])
    expect(ids(await store.search({ ...filter, vector: unit(1), text: 'm', limit: 10 }))).toEqual(['match'])
    expect(await store.list({ scope: alice, limit: 10 })).toHaveLength(5)
  })

  it('setMentions sets absolute counts and changes nothing else, vector and keywords included', async () => {
    await store.insert([
      memory('a', 'apple pie', { vector: unit(1), updatedAt: BEFORE }),
      memory('b', 'banana bread', { vector: unit(0, 1), mentions: 2, updatedAt: NOW }),
    ])
    const before = await store.get('a')
    await store.setMentions([
      { id: 'a', mentions: 5 },
      { id: 'ghost', mentions: 2 },
    ])
    await store.setMentions([{ id: 'a', mentions: 5 }])
    await store.setMentions([])
    expect(await store.get('a')).toEqual({ ...before, mentions: 5 })
    expect((await store.get('b'))?.mentions).toBe(2)
    expect(await store.get('ghost')).toBeNull()
    const [nearest] = await store.nearest({ scope: alice, vector: unit(1), limit: 1 })
    expect(nearest).toMatchObject({ memory: { id: 'a', mentions: 5 }, similarity: expect.closeTo(1, 6) })
    const [keyword] = await store.search({ scope: alice, vector: unit(0, 0, 1), text: 'apple', limit: 1 })
    expect(keyword).toMatchObject({ memory: { id: 'a' }, explain: { keywordRank: 1 } })
    // updatedAt untouched: still older than the cutoff.
    expect(ids(await store.list({ scope: alice, updatedSince: NOW, limit: 5 }))).toEqual(['b'])
  })

  describe('expired', () => {
    const seed = () =>
      store.insert([
        memory('future', 'expires later', { expiresAt: AFTER, updatedAt: '2024-01-01T00:00:00.000Z' }),
        memory('never-old', 'never expires, old', { updatedAt: '2024-01-02T00:00:00.000Z' }),
        memory('old-expired', 'expired', { expiresAt: BEFORE, updatedAt: '2024-01-03T00:00:00.000Z' }),
        memory('agent-expired', 'expired too', { expiresAt: BEFORE, updatedAt: '2024-01-04T00:00:00.000Z', scope: { userId: 'alice', agentId: 'x' } }),
        memory('bob-expired', 'expires exactly now', { expiresAt: NOW, updatedAt: '2024-01-05T00:00:00.000Z', scope: { userId: 'bob' } }),
        memory('never-new', 'never expires, recent', { updatedAt: '2024-05-15T00:00:00.000Z' }),
      ])

    it('returns the memories expired at now in every scope, oldest updatedAt first, as stored', async () => {
      await seed()
      const expired = await store.expired({ now: NOW, limit: 10 })
      expect(ids(expired)).toEqual(['old-expired', 'agent-expired', 'bob-expired'])
      expect(expired[0]).toEqual(await store.get('old-expired'))
      expect(ids(await store.expired({ now: NOW, limit: 2 }))).toEqual(['old-expired', 'agent-expired'])
      expect(ids(await store.expired({ now: BEFORE, limit: 10 }))).toEqual(['old-expired', 'agent-expired'])
      expect(await store.expired({ now: '2024-04-01T00:00:00.000Z', limit: 10 })).toEqual([])
    })

    it('stays within the scope’s visibility when given one', async () => {
      await seed()
      expect(ids(await store.expired({ scope: alice, now: NOW, limit: 10 }))).toEqual(['old-expired', 'agent-expired'])
      expect(ids(await store.expired({ scope: { agentId: 'x' }, now: NOW, limit: 10 }))).toEqual(['agent-expired'])
      expect(ids(await store.expired({ scope: { userId: 'bob' }, now: NOW, limit: 10 }))).toEqual(['bob-expired'])
    })

    it('adds the memories updated before updatedBefore, whether they expire or not', async () => {
      await seed()
      const updatedBefore = '2024-01-03T12:00:00.000Z'
      expect(ids(await store.expired({ now: NOW, updatedBefore, limit: 10 }))).toEqual(['future', 'never-old', 'old-expired', 'agent-expired', 'bob-expired'])
      expect(ids(await store.expired({ scope: alice, now: '2024-01-01T00:00:00.000Z', updatedBefore, limit: 10 }))).toEqual([
        'future',
        'never-old',
        'old-expired',
      ])
      expect(ids(await store.expired({ scope: { userId: 'bob' }, now: '2024-01-01T00:00:00.000Z', updatedBefore, limit: 10 }))).toEqual([])
    })
  })

  it('a reader sees the lifecycle changes another connection wrote', async () => {
    const location = backend.location()
    const [reader, writer] = [await backend.open(location), await backend.open(location)]
    try {
      await reader.insert([memory('shared', 'shared memory', { vector: unit(1) })])
      const active = { scope: alice, activeAt: NOW, vector: unit(1), limit: 5 }
      expect(ids(await reader.nearest(active))).toEqual(['shared'])
      await writer.update(memory('shared', 'shared memory', { vector: unit(1), expiresAt: BEFORE }))
      expect(await reader.nearest(active)).toEqual([])
      await writer.restore([memory('shared', 'shared memory', { vector: unit(1), memoryType: 'procedural' })])
      expect(ids(await reader.nearest({ ...active, memoryType: 'procedural' }))).toEqual(['shared'])
    } finally {
      await reader.close()
      await writer.close()
    }
  })
})
