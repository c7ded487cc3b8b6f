import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SqliteVectorStore } from '../../src/adapters/sqlite/sqlite-vector-store.js'
import type { Metadata, Scope } from '../../src/input.js'
import type { MemoryWrite, Vector } from '../../src/ports.js'
import { seededRandom } from '../../src/seeded-random.js'

/*
 * The embedded vector store ranks in memory (src/adapters/sqlite/vector-cache.ts) and reads the
 * winners from SQLite with the scope and filter predicates. These check it against a brute-force
 * ranking over what was written, including filters that reject most candidates (the batches that
 * follow the first), and that another connection's writes reach the ranking.
 */

const folder = mkdtempSync(join(tmpdir(), 'engram-vector-cache-'))
let files = 0
const newPath = () => {
  files += 1
  return join(folder, `memories-${files}.db`)
}
const DIMENSION = 16

function randomUnit(random: () => number): Vector {
  const values = Float32Array.from({ length: DIMENSION }, () => random() - 0.5)
  const norm = Math.hypot(...values)
  return values.map((value) => value / norm)
}

const now = '2024-01-01T00:00:00.000Z'
function memory(id: string, scope: Scope, vector: Vector, metadata: Metadata = {}): MemoryWrite {
  return {
    id,
    text: `memory ${id}`,
    hash: id,
    metadata,
    scope,
    createdAt: now,
    updatedAt: now,
    observedAt: now,
    expiresAt: null,
    memoryType: 'semantic',
    mentions: 1,
    vector,
  }
}

const dot = (x: Vector, y: Vector) => x.reduce((sum, value, i) => sum + value * y[i]!, 0)

describe('nearest from the in-memory ranking', () => {
  const random = seededRandom(3)
  const written: MemoryWrite[] = []
  let store: SqliteVectorStore

  beforeAll(async () => {
    store = await SqliteVectorStore.open({ path: newPath() })
    const scopes: Scope[] = [{ userId: 'a' }, { userId: 'a', agentId: 'x' }, { userId: 'b' }, { userId: 'a', runId: 'r' }]
    for (let i = 0; i < 600; i++) written.push(memory(`m${i}`, scopes[i % scopes.length]!, randomUnit(random), { rare: i % 37 === 0, kind: i % 3 }))
    await store.insert(written)
  })
  afterAll(() => store.close())

  /** The brute-force answer: every written memory the scope and filters admit, best first. */
  function expected(scope: Scope, query: Vector, limit: number, filters: Metadata = {}): string[] {
    return written
      .filter((m) => (['userId', 'agentId', 'runId'] as const).every((field) => scope[field] === undefined || m.scope[field] === scope[field]))
      .filter((m) => Object.entries(filters).every(([key, value]) => m.metadata[key] === value))
      .map((m) => ({ id: m.id, similarity: dot(m.vector, query) }))
      .sort((x, y) => y.similarity - x.similarity)
      .slice(0, limit)
      .map((hit) => hit.id)
  }

  it('returns the best of what the scope sees, narrower scopes included', async () => {
    for (const scope of [{ userId: 'a' }, { userId: 'a', agentId: 'x' }, { runId: 'r' }, { userId: 'b' }] as Scope[]) {
      const query = randomUnit(random)
      const hits = await store.nearest({ scope, vector: query, limit: 10 })
      expect(hits.map((hit) => hit.memory.id)).toEqual(expected(scope, query, 10))
    }
  })

  it('still returns the best k when the filters reject most candidates', async () => {
    const query = randomUnit(random)
    const filters = { rare: true }
    const hits = await store.nearest({ scope: { userId: 'a' }, filters, vector: query, limit: 5 })
    expect(hits.map((hit) => hit.memory.id)).toEqual(expected({ userId: 'a' }, query, 5, filters))
    expect(hits).toHaveLength(5)
    // Fewer admitted memories than asked for: all of them.
    const all = await store.nearest({ scope: { userId: 'b' }, filters, vector: query, limit: 50 })
    expect(all.map((hit) => hit.memory.id)).toEqual(expected({ userId: 'b' }, query, 50, filters))
  })

  it('fuses the same vector ranking into hybrid search', async () => {
    const query = randomUnit(random)
    const hits = await store.search({ scope: { userId: 'a' }, vector: query, text: '', limit: 10 })
    expect(hits.map((hit) => hit.memory.id)).toEqual(expected({ userId: 'a' }, query, 10))
  })
})

describe('nearest across connections', () => {
  it("ranks another connection's inserts, updates and deletes", async () => {
    const random = seededRandom(11)
    const path = newPath()
    const [first, second] = await Promise.all([SqliteVectorStore.open({ path }), SqliteVectorStore.open({ path })])
    const scope = { userId: 'u' }
    const query = randomUnit(random)
    await first.insert([memory('far', scope, randomUnit(random))])
    expect((await second.nearest({ scope, vector: query, limit: 1 }))[0]?.memory.id).toBe('far')

    await first.insert([memory('close', scope, query)])
    expect((await second.nearest({ scope, vector: query, limit: 1 }))[0]?.memory.id).toBe('close')

    // Updates and deletes, seen by the connection that made them (applied in place) and by the other (reloaded).
    await second.update(
      memory(
        'far',
        scope,
        query.map((value) => -value),
      ),
    )
    await second.update(memory('close', scope, query))
    for (const store of [second, first]) {
      const hits = await store.nearest({ scope, vector: query, limit: 2 })
      expect(hits.map((hit) => hit.memory.id)).toEqual(['close', 'far'])
      expect(hits[1]?.similarity).toBeCloseTo(-1, 5)
    }

    await second.delete(['close'])
    for (const store of [second, first]) expect((await store.nearest({ scope, vector: query, limit: 2 })).map((hit) => hit.memory.id)).toEqual(['far'])

    // A restore may move a memory to another scope: it leaves the old scope's ranking.
    await first.restore([memory('far', { userId: 'elsewhere' }, query)])
    for (const store of [first, second]) expect(await store.nearest({ scope, vector: query, limit: 2 })).toEqual([])
    await Promise.all([first.close(), second.close()])
  })
})
