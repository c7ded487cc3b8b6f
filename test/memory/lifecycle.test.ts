import { afterEach, describe, expect, it } from 'vitest'
import type { ChatRequest, EngramConfig, Memory } from '../../src/index.js'
import { DAY_MS } from '../../src/retention.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { openTempMemory } from '../helpers/temp-memory.js'
import { rejection } from '../helpers/rejection.js'

const T0 = new Date('2026-03-01T12:00:00.000Z')

/** A clock the test moves forward. */
function movableClock(start: Date) {
  let now = start.getTime()
  return { now: () => new Date(now), advanceDays: (days: number) => (now += days * DAY_MS) }
}

const conversationText = (request: ChatRequest) => request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n')
/** The add's own messages, after the earlier conversation the extraction prompt shows as context. */
const newMessages = (request: ChatRequest) => conversationText(request).split('Conversation:\n').at(-1)!

describe('memory lifecycle: expiry, retention, prune, mentions', () => {
  let dispose: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dispose?.()
    dispose = undefined
  })

  async function open(config: EngramConfig = {}, llm?: ScriptedLLM) {
    const clock = movableClock(T0)
    const opened = await openTempMemory({ clock: clock.now, ...(llm !== undefined ? { llm } : {}) }, config)
    dispose = opened.dispose
    return { memory: opened.memory, clock }
  }

  const texts = async (memory: Memory, scope = { userId: 'alice' }) => (await memory.getAll(scope)).results.map((item) => item.memory).sort()

  it('never returns a memory past its expiresAt, and prune deletes it with a history row', async () => {
    const { memory, clock } = await open({ graphStore: { provider: 'none' } })
    const lasting = await memory.add('I live in Lisbon', { userId: 'alice', infer: false })
    const brief = await memory.add('My flight lands at 9', { userId: 'alice', infer: false, expiresAt: new Date(T0.getTime() + 2 * DAY_MS) })
    const briefId = brief.results[0]!.id
    expect((await memory.get(briefId))?.expiresAt).toBe(new Date(T0.getTime() + 2 * DAY_MS).toISOString())
    expect(await texts(memory)).toEqual(['I live in Lisbon', 'My flight lands at 9'])

    clock.advanceDays(3)
    expect(await memory.get(briefId)).toBeNull()
    expect(await texts(memory)).toEqual(['I live in Lisbon'])
    const found = await memory.search('when does the flight land', { userId: 'alice' })
    expect(found.results.map((item) => item.id)).not.toContain(briefId)

    expect(await memory.prune()).toEqual({ deleted: 1, relationsRemoved: 0 })
    const history = await memory.history(briefId)
    expect(history.map((entry) => [entry.event, entry.actor])).toEqual([
      ['ADD', undefined],
      ['DELETE', 'engram:retention'],
    ])
    expect(await memory.prune()).toEqual({ deleted: 0, relationsRemoved: 0 })
    expect((await memory.get(lasting.results[0]!.id))?.memory).toBe('I live in Lisbon')
  })

  it('refuses an expiresAt that is not in the future', async () => {
    const { memory } = await open({ graphStore: { provider: 'none' } })
    const error = await rejection(memory.add('old news', { userId: 'alice', infer: false, expiresAt: T0 }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/expiresAt/)
    expect(await texts(memory)).toEqual([])
  })

  it('retention maxAgeDays hides memories not updated within the age, and prune deletes them in the scope given only', async () => {
    const { memory, clock } = await open({ graphStore: { provider: 'none' }, retention: { maxAgeDays: 30 } })
    await memory.add('I am learning Portuguese', { userId: 'alice', infer: false })
    await memory.add('I am learning Greek', { userId: 'bob', infer: false })
    clock.advanceDays(20)
    await memory.add('I started a new job', { userId: 'alice', infer: false })
    clock.advanceDays(15) // the first memories are 35 days old, the last 15
    expect(await texts(memory)).toEqual(['I started a new job'])
    expect(await texts(memory, { userId: 'bob' })).toEqual([])

    expect(await memory.prune({ userId: 'alice' })).toEqual({ deleted: 1, relationsRemoved: 0 })
    // bob's aged memory is still stored (only hidden): a config without retention sees it.
    const bobs = await memory.transfer.export({ userId: 'bob' })
    expect(bobs.filter((record) => record.kind === 'memory')).toHaveLength(1)
    expect(await memory.prune()).toEqual({ deleted: 1, relationsRemoved: 0 })
    expect((await memory.transfer.export({ userId: 'bob' })).filter((record) => record.kind === 'memory')).toHaveLength(0)
  })

  it('retention maxCount deletes the oldest memories an add takes over the limit, and reports them', async () => {
    const { memory, clock } = await open({ graphStore: { provider: 'none' }, retention: { maxCount: 2 } })
    await memory.add('first', { userId: 'alice', infer: false })
    clock.advanceDays(1)
    await memory.add('second', { userId: 'alice', infer: false })
    clock.advanceDays(1)
    const third = await memory.add('third', { userId: 'alice', infer: false })
    expect(third.results.map((event) => [event.event, event.memory])).toEqual([
      ['ADD', 'third'],
      ['DELETE', 'first'],
    ])
    expect(await texts(memory)).toEqual(['second', 'third'])
    // Another user's memories do not count toward alice's limit.
    await memory.add('mine', { userId: 'bob', infer: false })
    expect(await texts(memory)).toEqual(['second', 'third'])
  })

  it('prune removes relations whose only provenance was an expired memory', async () => {
    const llm = new ScriptedLLM({
      extract_facts: (request) => ({ facts: newMessages(request).includes('Globex') ? ['Works at Globex'] : ['Lives in Lisbon'] }),
      extract_graph: (request) =>
        newMessages(request).includes('Globex')
          ? { entities: [{ name: 'Globex', type: 'organization' }], relations: [{ source: 'alice', relationship: 'WORKS_AT', destination: 'Globex' }] }
          : { entities: [{ name: 'Lisbon', type: 'city' }], relations: [{ source: 'alice', relationship: 'LIVES_IN', destination: 'Lisbon' }] },
      update_memory: () => ({ memory: [{ id: 'new', text: 'Lives in Lisbon', event: 'ADD' }] }),
    })
    const { memory, clock } = await open({}, llm)
    await memory.add('I work at Globex for this summer', { userId: 'alice', expiresAt: new Date(T0.getTime() + 10 * DAY_MS) })
    await memory.add('I live in Lisbon', { userId: 'alice' })
    const relations = async () => (await memory.getAll({ userId: 'alice' })).relations.map((relation) => relation.relationship).sort()
    expect(await relations()).toEqual(['LIVES_IN', 'WORKS_AT'])

    clock.advanceDays(11)
    expect(await memory.prune({ userId: 'alice' })).toEqual({ deleted: 1, relationsRemoved: 1 })
    expect(await relations()).toEqual(['LIVES_IN'])
    expect(await texts(memory)).toEqual(['Lives in Lisbon'])
  })

  it('counts mentions: 1 when added, +1 when an add confirms (NONE) or updates the memory', async () => {
    const idOf = (request: ChatRequest, text: string) => new RegExp(`(\\d+): ${text}`).exec(conversationText(request))?.[1] ?? 'missing'
    // Each update answer depends on the request (the small ids it shows), so they are queued as functions.
    const answers = [
      (request: ChatRequest) => ({ memory: [{ id: idOf(request, 'Likes jazz'), text: 'Likes jazz', event: 'NONE' }] }),
      (request: ChatRequest) => ({ memory: [{ id: idOf(request, 'Lives in Lisbon'), text: 'Lives in Lisbon, Alfama', event: 'UPDATE' }] }),
    ]
    const scripted = new ScriptedLLM({
      extract_facts: [{ facts: ['Likes jazz', 'Lives in Lisbon'] }, { facts: ['Likes jazz'] }, { facts: ['Lives in Lisbon, Alfama'] }],
      update_memory: (request) => answers.shift()!(request),
    })
    const { memory } = await open({ graphStore: { provider: 'none' } }, scripted)
    await memory.add('I like jazz and I live in Lisbon', { userId: 'alice' })
    const mentions = async () => Object.fromEntries((await memory.getAll({ userId: 'alice' })).results.map((item) => [item.memory, item.mentions]))
    expect(await mentions()).toEqual({ 'Likes jazz': 1, 'Lives in Lisbon': 1 })
    const confirmed = await memory.add('Did I say I like jazz? I do.', { userId: 'alice' })
    expect(confirmed.results).toEqual([])
    expect(await mentions()).toEqual({ 'Likes jazz': 2, 'Lives in Lisbon': 1 })
    await memory.add('I live in Alfama, in Lisbon', { userId: 'alice' })
    expect(await mentions()).toEqual({ 'Likes jazz': 2, 'Lives in Lisbon, Alfama': 2 })
    // A direct edit is not a mention.
    const jazz = (await memory.getAll({ userId: 'alice' })).results.find((item) => item.memory === 'Likes jazz')!
    await memory.update(jazz.id, 'Loves jazz')
    expect((await memory.get(jazz.id))?.mentions).toBe(2)
  })
})
