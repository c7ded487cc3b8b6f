import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EngramError, type Memory } from '../../src/index.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { MEMORY_BACKENDS } from '../contract/backends.js'
import { openTempMemory } from '../helpers/temp-memory.js'

/** Every public method, scope isolation, and bad input leaving the stores untouched. */
describe.each(MEMORY_BACKENDS)('$name: Memory public API', (backend) => {
  let memory: Memory
  let dispose: () => Promise<void>
  const llm = new ScriptedLLM({ extract_facts: () => ({ facts: ['Should never be stored'] }) })

  beforeAll(async () => {
    ;({ memory, dispose } = await openTempMemory({ llm }, { limits: { maxInputBytes: 2000 } }, backend))
  })
  afterAll(() => dispose())
  beforeEach(() => memory.reset())

  const verbatim = (content: string, scope: Record<string, string>, metadata?: Record<string, string | number | boolean | null>) =>
    memory.add([{ role: 'user', content }], { ...scope, infer: false, ...(metadata ? { metadata } : {}) })

  it('keeps scopes apart in search, getAll and get', async () => {
    await verbatim('alice likes green tea', { userId: 'alice' })
    await verbatim('alice as seen by agent x likes tea', { userId: 'alice', agentId: 'x' })
    await verbatim('bob likes green tea', { userId: 'bob' })
    await verbatim('run-only note about tea', { runId: 'r1' })

    const texts = async (scope: Record<string, string>) => (await memory.search('green tea', scope)).results.map((result) => result.memory).sort()
    expect(await texts({ userId: 'alice' })).toEqual(['alice as seen by agent x likes tea', 'alice likes green tea'])
    expect(await texts({ userId: 'alice', agentId: 'x' })).toEqual(['alice as seen by agent x likes tea'])
    expect(await texts({ userId: 'alice', agentId: 'y' })).toEqual([])
    expect(await texts({ userId: 'bob' })).toEqual(['bob likes green tea'])
    expect(await texts({ runId: 'r1' })).toEqual(['run-only note about tea'])
    expect((await memory.getAll({ userId: 'carol' })).results).toEqual([])
    expect((await memory.getAll({ agentId: 'x' })).results.map((item) => item.memory)).toEqual(['alice as seen by agent x likes tea'])
  })

  it('filters by metadata and limits results', async () => {
    for (let index = 0; index < 5; index += 1) await verbatim(`note ${index} about tea`, { userId: 'alice' }, { kind: index % 2 === 0 ? 'even' : 'odd' })
    const even = await memory.search('tea', { userId: 'alice', filters: { kind: 'even' } })
    expect(even.results.map((result) => result.metadata.kind)).toEqual(['even', 'even', 'even'])
    expect((await memory.search('tea', { userId: 'alice', limit: 2 })).results).toHaveLength(2)
    expect((await memory.getAll({ userId: 'alice', filters: { kind: 'odd' } })).results).toHaveLength(2)
    expect((await memory.getAll({ userId: 'alice', limit: 1 })).results).toHaveLength(1)
  })

  it('explains search scores and applies the threshold', async () => {
    await verbatim('alice likes green tea', { userId: 'alice' })
    await verbatim('the weather is cold today', { userId: 'alice' })
    const { results } = await memory.search('green tea', { userId: 'alice' })
    expect(results[0]?.memory).toBe('alice likes green tea')
    expect(results[0]?.score).toBeGreaterThan(results[1]?.score ?? 0)
    expect(results[0]?.explain).toMatchObject({ vectorSimilarity: expect.any(Number), keywordRank: 1, keyword: 1 })
    // Relevance is half similarity, half keyword score relative to the best; the keyword list missed the second fact.
    const vector = Math.max(0, results[1]!.explain!.vectorSimilarity!)
    expect(results[1]?.explain).toMatchObject({ keyword: 0, vector, relevance: vector / 2 })
    const strict = await memory.search('green tea', { userId: 'alice', threshold: results[0]!.score })
    expect(strict.results.map((result) => result.memory)).toEqual(['alice likes green tea'])
  })

  it('updates, deletes and records history, oldest first', async () => {
    const { results } = await verbatim('Lives in Lisbon', { userId: 'alice' })
    const id = results[0]!.id
    const updated = await memory.update(id, 'Lives in Porto')
    expect(updated).toMatchObject({ id, memory: 'Lives in Porto', userId: 'alice' })
    expect((await memory.get(id))?.memory).toBe('Lives in Porto')
    await memory.delete(id)
    expect(await memory.get(id)).toBeNull()
    expect((await memory.history(id)).map((entry) => entry.event)).toEqual(['ADD', 'UPDATE', 'DELETE'])
    await expect(memory.delete(id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(memory.update(id, 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('deleteAll removes exactly the scope it names', async () => {
    await verbatim('a1', { userId: 'alice' })
    await verbatim('a2', { userId: 'alice', agentId: 'x' })
    await verbatim('b1', { userId: 'bob' })
    await verbatim('x-only', { agentId: 'x' })
    await memory.deleteAll({ userId: 'alice' })
    expect((await memory.getAll({ userId: 'alice' })).results).toEqual([])
    expect((await memory.getAll({ userId: 'bob' })).results.map((item) => item.memory)).toEqual(['b1'])
    expect((await memory.getAll({ agentId: 'x' })).results.map((item) => item.memory)).toEqual(['x-only'])
    await expect(memory.deleteAll({})).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('reset empties every scope and the history', async () => {
    const { results } = await verbatim('a1', { userId: 'alice' })
    await verbatim('b1', { userId: 'bob' })
    await memory.reset()
    expect((await memory.getAll({ userId: 'alice' })).results).toEqual([])
    expect((await memory.getAll({ userId: 'bob' })).results).toEqual([])
    expect(await memory.history(results[0]!.id)).toEqual([])
  })

  const badAdds: Array<[string, unknown, unknown]> = [
    ['empty message list', [], { userId: 'a' }],
    ['blank string', '   ', { userId: 'a' }],
    ['no scope', 'I like tea', {}],
    ['missing options', 'I like tea', undefined],
    ['empty user id', 'I like tea', { userId: '' }],
    ['numeric user id', 'I like tea', { userId: 42 }],
    ['unknown option key', 'I like tea', { userId: 'a', usrId: 'typo' }],
    ['message without role', [{ content: 'hi' }], { userId: 'a' }],
    ['message with bad role', [{ role: 'robot', content: 'hi' }], { userId: 'a' }],
    ['message content not a string', [{ role: 'user', content: 5 }], { userId: 'a' }],
    ['nested metadata', 'I like tea', { userId: 'a', metadata: { deep: { x: 1 } } }],
    ['over the size limit', 'x'.repeat(2001), { userId: 'a' }],
    ['messages of the wrong type', 42, { userId: 'a' }],
  ]

  it.each(badAdds)('rejects %s with INVALID_INPUT and writes nothing', async (_name, messages, options) => {
    const error = await memory.add(messages as never, options as never).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(EngramError)
    expect(error).toMatchObject({ code: 'INVALID_INPUT' })
    expect(llm.requests).toHaveLength(0)
    expect((await memory.getAll({ userId: 'a' })).results).toEqual([])
  })

  it('rejects bad reads with INVALID_INPUT', async () => {
    await expect(memory.search('', { userId: 'a' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(memory.search('tea', {} as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(memory.search('tea', { userId: 'a', limit: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(memory.search('tea', { userId: 'a', hops: 9 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(memory.getAll({ userId: 'a', filters: { k: [1] } } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(memory.get('')).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(memory.update('some-id', '  ')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await memory.get('no-such-id')).toBeNull()
  })
})
