import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { HistoryRecord, HistoryStore } from '../../src/ports.js'
import { HISTORY_STORE_BACKENDS } from './backends.js'

const NOON = '2024-05-01T12:00:00.000Z'

function record(overrides: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    target: 'memory',
    targetId: 'm1',
    event: 'ADD',
    oldValue: null,
    newValue: 'likes tea',
    scope: { userId: 'alice' },
    createdAt: NOON,
    ...overrides,
  }
}

describe.each(HISTORY_STORE_BACKENDS)('$name: history store contract', (backend) => {
  let store: HistoryStore
  beforeAll(async () => {
    store = await backend.open()
  })
  afterEach(() => store.reset())
  afterAll(() => store.close())

  it('returns a memory’s changes oldest first, as history entries', async () => {
    await store.append([
      record({ event: 'UPDATE', oldValue: 'likes tea', newValue: 'likes coffee', createdAt: '2024-05-02T00:00:00.000Z', actor: 'Alice', role: 'user' }),
      record({ event: 'ADD', newValue: 'likes tea', createdAt: '2024-05-01T00:00:00.000Z' }),
    ])
    await store.append([record({ event: 'DELETE', oldValue: 'likes coffee', newValue: null, createdAt: '2024-05-03T00:00:00.000Z' })])
    const entries = await store.forMemory('m1')
    expect(entries).toEqual([
      { id: expect.any(String), memoryId: 'm1', event: 'ADD', oldMemory: null, newMemory: 'likes tea', userId: 'alice', createdAt: '2024-05-01T00:00:00.000Z' },
      {
        id: expect.any(String),
        memoryId: 'm1',
        event: 'UPDATE',
        oldMemory: 'likes tea',
        newMemory: 'likes coffee',
        userId: 'alice',
        actor: 'Alice',
        role: 'user',
        createdAt: '2024-05-02T00:00:00.000Z',
      },
      {
        id: expect.any(String),
        memoryId: 'm1',
        event: 'DELETE',
        oldMemory: 'likes coffee',
        newMemory: null,
        userId: 'alice',
        createdAt: '2024-05-03T00:00:00.000Z',
      },
    ])
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(3)
  })

  it('keeps the order of appending for changes with the same timestamp', async () => {
    const texts = Array.from({ length: 20 }, (_, index) => `version ${index}`)
    await store.append(texts.slice(0, 10).map((newValue) => record({ event: 'UPDATE', newValue })))
    for (const newValue of texts.slice(10)) await store.append([record({ event: 'UPDATE', newValue })])
    expect((await store.forMemory('m1')).map((entry) => entry.newMemory)).toEqual(texts)
  })

  it('returns only the changes to that memory, not to other memories or to graph targets', async () => {
    await store.append([
      record({ targetId: 'm1', newValue: 'mine' }),
      record({ targetId: 'm2', newValue: 'another memory' }),
      record({ target: 'relation', targetId: 'm1', event: 'ADD', newValue: 'alice LIKES tea' }),
      record({ target: 'entity', targetId: 'm1', event: 'ADD', newValue: 'alice' }),
    ])
    expect((await store.forMemory('m1')).map((entry) => entry.newMemory)).toEqual(['mine'])
    expect(await store.forMemory('unknown')).toEqual([])
  })

  it('keeps each scope column, present or absent, exactly', async () => {
    const scopes = [{ userId: 'u' }, { agentId: 'a' }, { runId: 'r' }, { userId: 'u', agentId: 'a', runId: 'r' }]
    await store.append(scopes.map((scope, index) => record({ targetId: `s${index}`, scope })))
    for (const [index, scope] of scopes.entries()) {
      const [entry] = await store.forMemory(`s${index}`)
      const scopeOf = Object.fromEntries(Object.entries(entry!).filter(([key]) => ['userId', 'agentId', 'runId'].includes(key)))
      expect(scopeOf).toStrictEqual(scope)
    }
  })

  it('round-trips provenance memory ids, an empty list and none', async () => {
    await store.append([
      record({ target: 'relation', targetId: 'r1', event: 'ADD', memoryIds: ['m1', 'm2'] }),
      record({ target: 'relation', targetId: 'r1', event: 'UPDATE', memoryIds: [] }),
      record({ target: 'relation', targetId: 'r1', event: 'DELETE' }),
    ])
    const records = await store.forTarget('relation', 'r1')
    expect(records.map((stored) => stored.memoryIds)).toEqual([['m1', 'm2'], [], undefined])
    expect(records[0]).toEqual({ ...record({ target: 'relation', targetId: 'r1', event: 'ADD', memoryIds: ['m1', 'm2'] }), id: expect.any(String) })
  })

  it('deleteScope erases exactly the records the scope can see, texts included, and counts them', async () => {
    await store.append([
      record({ targetId: 'a1', newValue: 'alice alone', scope: { userId: 'alice' } }),
      record({ targetId: 'ax', newValue: 'alice with x', scope: { userId: 'alice', agentId: 'x' } }),
      record({ target: 'relation', targetId: 'r1', event: 'RELATION_ADDED', scope: { userId: 'alice', agentId: 'x', runId: 'r' }, memoryIds: ['ax'] }),
      record({ targetId: 'b1', newValue: 'bob', scope: { userId: 'bob' } }),
      record({ targetId: 'x1', newValue: 'x alone', scope: { agentId: 'x' } }),
    ])
    expect(await store.deleteScope({ userId: 'alice', agentId: 'x' })).toBe(2)
    expect((await store.scopeRecords({ userId: 'alice' })).map((entry) => entry.targetId)).toEqual(['a1'])
    expect((await store.scopeRecords({ agentId: 'x' })).map((entry) => entry.targetId)).toEqual(['x1'])
    expect(await store.forTarget('relation', 'r1')).toEqual([])
    expect(await store.deleteScope({ userId: 'alice' })).toBe(1)
    expect(await store.forMemory('a1')).toEqual([])
    expect(await store.deleteScope({ userId: 'alice' })).toBe(0)
    expect((await store.forMemory('b1')).map((entry) => entry.newMemory)).toEqual(['bob'])
    expect((await store.forMemory('x1')).map((entry) => entry.newMemory)).toEqual(['x alone'])
  })

  it('deleteScope refuses an empty scope and erases nothing', async () => {
    await store.append([record()])
    await expect(store.deleteScope({})).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(await store.forMemory('m1')).toHaveLength(1)
  })

  it('reset empties the log', async () => {
    await store.append([record()])
    await store.reset()
    expect(await store.forMemory('m1')).toEqual([])
  })
})

describe.each(HISTORY_STORE_BACKENDS)('$name: history store restore', (backend) => {
  let store: HistoryStore
  beforeAll(async () => {
    store = await backend.open()
  })
  afterEach(() => store.reset())
  afterAll(() => store.close())

  it('lists the records a scope can see in the order appended, with provenance', async () => {
    await store.append([
      record({ createdAt: '2024-05-02T00:00:00.000Z' }),
      record({ target: 'relation', targetId: 'r1', event: 'RELATION_ADDED', scope: { userId: 'alice', agentId: 'x' }, memoryIds: ['m1'] }),
      record({ targetId: 'm2', scope: { userId: 'bob' } }),
    ])
    const alice = await store.scopeRecords({ userId: 'alice' })
    expect(alice.map((entry) => entry.targetId)).toEqual(['m1', 'r1'])
    expect(alice[1]).toMatchObject({ target: 'relation', scope: { userId: 'alice', agentId: 'x' }, memoryIds: ['m1'] })
    expect((await store.scopeRecords({ agentId: 'x' })).map((entry) => entry.targetId)).toEqual(['r1'])
  })

  it('restores records with their ids in order, and skips ids already stored', async () => {
    await store.append([
      record({ newValue: 'one', createdAt: NOON }),
      record({ event: 'UPDATE', newValue: 'two', createdAt: NOON, actor: 'Alice', role: 'user' }),
    ])
    const exported = await store.scopeRecords({ userId: 'alice' })
    await store.reset()
    await store.restore(exported)
    await store.restore(exported)
    expect(await store.scopeRecords({ userId: 'alice' })).toEqual(exported)
    expect((await store.forMemory('m1')).map((entry) => [entry.id, entry.newMemory])).toEqual(exported.map((entry) => [entry.id, entry.newValue]))
  })
})
