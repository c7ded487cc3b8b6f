import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqliteContextStore } from '../../src/adapters/sqlite/sqlite-context-store.js'
import type { ContextMessage, ContextRetention } from '../../src/ports.js'
import { rejection } from '../helpers/rejection.js'

const at = '2026-01-01T00:00:00.000Z'
const said = (...contents: string[]): ContextMessage[] => contents.map((content) => ({ role: 'user', content, createdAt: at }))
const contents = (messages: ContextMessage[]) => messages.map((message) => message.content)
/** The stores the context is kept for: one set, the same each time the file is opened. */
const STORES = [join(tmpdir(), 'memories.db')]
const KEEP: ContextRetention = { latest: 10, unsummarized: 100 }

describe('SqliteContextStore', () => {
  let dir: string
  let store: SqliteContextStore
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-context-'))
    store = await SqliteContextStore.open({ path: join(dir, 'context.db'), stores: STORES })
  })
  afterEach(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps one context per exact scope: absent ids match only absent ids', async () => {
    await store.append({ userId: 'a' }, said('plain'), KEEP)
    await store.append({ userId: 'a', runId: 'r' }, said('in run r'), KEEP)
    await store.append({ userId: 'a', agentId: 'x' }, [{ role: 'assistant', content: 'agent x', name: 'helper', createdAt: at }], KEEP)

    expect(await store.read({ userId: 'a' })).toEqual({
      messages: [{ role: 'user', content: 'plain', createdAt: at }],
      messagesSinceSummary: 1,
      summary: null,
      addsSinceSummary: 1,
    })
    expect(contents((await store.read({ userId: 'a', runId: 'r' })).messages)).toEqual(['in run r'])
    expect((await store.read({ userId: 'a', agentId: 'x' })).messages).toEqual([{ role: 'assistant', content: 'agent x', name: 'helper', createdAt: at }])
    expect(await store.read({ runId: 'r' })).toEqual({ messages: [], messagesSinceSummary: 0, summary: null, addsSinceSummary: 0 })
  })

  it('keeps the newest `latest` messages, and besides them those the summary does not cover, up to `unsummarized`', async () => {
    const scope = { userId: 'a' }
    const keep = { latest: 2, unsummarized: 3 }
    await store.append(scope, said('m1', 'm2'), keep)
    await store.append(scope, said('m3', 'm4'), keep)
    // Nothing summarised yet: the newest three unsummarised stay, more than `latest`.
    expect(contents((await store.read(scope)).messages)).toEqual(['m2', 'm3', 'm4'])
    expect((await store.read(scope)).addsSinceSummary).toBe(2)

    await store.setSummary(scope, 'two adds', 2)
    await store.append(scope, said('m5'), keep)
    const context = await store.read(scope)
    // m2, m3 are covered by the summary and beyond the newest two: dropped.
    expect(contents(context.messages)).toEqual(['m4', 'm5'])
    expect(context).toMatchObject({ summary: 'two adds', addsSinceSummary: 1, messagesSinceSummary: 1 })

    await store.append(scope, said('m6'), { latest: 0, unsummarized: 0 })
    expect((await store.read(scope)).messages).toEqual([])
  })

  it('setSummary counts only the adds it covers, so adds that came during a refresh stay due', async () => {
    const scope = { agentId: 'x' }
    await store.append(scope, said('one'), KEEP)
    await store.append(scope, said('two'), KEEP)
    const read = await store.read(scope) // a refresh starts here…
    await store.append(scope, said('three'), KEEP) // …an add comes in meanwhile…
    await store.setSummary(scope, 'one and two', read.addsSinceSummary) // …and the refresh ends.
    const context = await store.read(scope)
    expect(context).toMatchObject({ summary: 'one and two', addsSinceSummary: 1, messagesSinceSummary: 1 })
    expect(contents(context.messages.slice(-context.messagesSinceSummary))).toEqual(['three'])
  })

  it('setSummary after the context was erased brings nothing back', async () => {
    const scope = { userId: 'a', runId: 'r' }
    await store.append(scope, said('secret'), KEEP)
    const read = await store.read(scope)
    await store.deleteScope({ userId: 'a' })
    await store.setSummary(scope, 'a summary of the secret', read.addsSinceSummary)
    expect(await store.read(scope)).toEqual({ messages: [], messagesSinceSummary: 0, summary: null, addsSinceSummary: 0 })
  })

  it('deleteScope erases every scope the given one can see, and nothing else', async () => {
    await store.append({ userId: 'a' }, said('a plain'), KEEP)
    await store.append({ userId: 'a', runId: 'r1' }, said('a run'), KEEP)
    await store.append({ userId: 'a', agentId: 'x' }, said('a agent'), KEEP)
    await store.append({ userId: 'b', runId: 'r1' }, said('b run'), KEEP)
    await store.append({ agentId: 'x' }, said('agent alone'), KEEP)

    await store.deleteScope({ userId: 'a', runId: 'r1' })
    expect((await store.read({ userId: 'a', runId: 'r1' })).messages).toEqual([])
    expect(contents((await store.read({ userId: 'a' })).messages)).toEqual(['a plain'])

    await store.deleteScope({ userId: 'a' })
    expect((await store.read({ userId: 'a' })).messages).toEqual([])
    expect((await store.read({ userId: 'a', agentId: 'x' })).messages).toEqual([])
    expect(contents((await store.read({ userId: 'b', runId: 'r1' })).messages)).toEqual(['b run'])
    expect(contents((await store.read({ agentId: 'x' })).messages)).toEqual(['agent alone'])

    const error = await rejection(store.deleteScope({}))
    expect(error.code).toBe('INVALID_INPUT')
  })

  it('leaves no copy of an erased message in the database file or its write-ahead log', async () => {
    const marker = 'zebra-violet-4471 lives on Quay Street'
    await store.append({ userId: 'a' }, said(marker), KEEP)
    await store.append({ userId: 'b' }, said('b stays'), KEEP)
    await store.deleteScope({ userId: 'a' })
    for (const file of ['context.db', 'context.db-wal']) {
      const path = join(dir, file)
      if (existsSync(path)) expect(readFileSync(path).includes(marker)).toBe(false)
    }
    expect(contents((await store.read({ userId: 'b' })).messages)).toEqual(['b stays'])
  })

  it('reset erases every scope, and the store keeps working', async () => {
    await store.append({ userId: 'a' }, said('one'), KEEP)
    await store.setSummary({ userId: 'a' }, 'summary', 1)
    await store.append({ agentId: 'x' }, said('two'), KEEP)
    await store.reset()
    expect((await store.read({ userId: 'a' })).summary).toBeNull()
    expect((await store.read({ agentId: 'x' })).messages).toEqual([])
    await store.append({ userId: 'a' }, said('again'), KEEP)
    expect(await store.read({ userId: 'a' })).toMatchObject({ addsSinceSummary: 1, messagesSinceSummary: 1 })
  })

  it('keeps its context across reopening the file', async () => {
    await store.append({ userId: 'a' }, said('remember me'), KEEP)
    await store.setSummary({ userId: 'a' }, 'the summary', 1)
    await store.close()
    store = await SqliteContextStore.open({ path: join(dir, 'context.db'), stores: STORES })
    expect(await store.read({ userId: 'a' })).toMatchObject({ summary: 'the summary', addsSinceSummary: 0, messagesSinceSummary: 0 })
    expect(contents((await store.read({ userId: 'a' })).messages)).toEqual(['remember me'])
  })
})
