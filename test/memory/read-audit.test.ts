import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { EngramConfig, Memory } from '../../src/index.js'
import { rejection } from '../helpers/rejection.js'
import { sharedLocalEmbedder } from '../helpers/shared-local-embedder.js'
import { openTempMemory } from '../helpers/temp-memory.js'

describe('read audit', () => {
  let dispose: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dispose?.()
    dispose = undefined
  })

  /** A pinned clock the test moves forward. */
  let now: Date
  const tick = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000))

  async function open(config: EngramConfig = { audit: { enabled: true } }): Promise<{ memory: Memory; dataDir: string }> {
    now = new Date('2025-03-01T10:00:00.000Z')
    const opened = await openTempMemory({ embedder: await sharedLocalEmbedder(), clock: () => now }, { graphStore: { provider: 'none' }, ...config })
    dispose = opened.dispose
    return opened
  }

  const remember = async (memory: Memory, content: string, scope: Record<string, string>) =>
    (await memory.add(content, { ...scope, infer: false })).results[0]!.id

  it('logs search, get and getAll with scope, actor, query, returned ids and time, oldest first', async () => {
    const { memory, dataDir } = await open()
    const tea = await remember(memory, 'Alice likes green tea', { userId: 'alice' })
    await remember(memory, 'Alice works night shifts', { userId: 'alice' })

    tick(1)
    const found = await memory.search('what does alice drink', { userId: 'alice', limit: 1, actor: 'support-bot' })
    tick(1)
    await memory.get(tea, { userId: 'alice' }, { actor: 'dashboard' })
    tick(1)
    const listed = await memory.getAll({ userId: 'alice' })

    expect(found.results.map((item) => item.id)).toEqual([tea])
    expect(await memory.audit({ userId: 'alice' })).toEqual([
      {
        operation: 'search',
        scope: { userId: 'alice' },
        actor: 'support-bot',
        query: 'what does alice drink',
        resultIds: [tea],
        createdAt: '2025-03-01T10:01:00.000Z',
      },
      { operation: 'get', scope: { userId: 'alice' }, actor: 'dashboard', query: tea, resultIds: [tea], createdAt: '2025-03-01T10:02:00.000Z' },
      { operation: 'getAll', scope: { userId: 'alice' }, resultIds: listed.results.map((item) => item.id), createdAt: '2025-03-01T10:03:00.000Z' },
    ])
    expect(listed.results).toHaveLength(2)
    expect(existsSync(join(dataDir, 'audit.db'))).toBe(true)
  })

  it('shows a scope the reads it can see, and logs an unscoped get under the memory owner', async () => {
    const { memory } = await open()
    const note = await remember(memory, 'Alice is allergic to peanuts', { userId: 'alice', agentId: 'nurse' })
    await remember(memory, 'Bob plays chess', { userId: 'bob' })

    await memory.search('allergies', { userId: 'alice', agentId: 'nurse', actor: 'nurse-bot' })
    await memory.search('chess', { userId: 'bob' })
    await memory.get(note, undefined, { actor: 'admin' })
    await memory.get(note, { userId: 'bob' }, { actor: 'bob-app' })

    const operations = async (scope: Record<string, string>) => (await memory.audit(scope)).map((read) => [read.operation, read.actor, read.resultIds])
    expect(await operations({ userId: 'alice' })).toEqual([
      ['search', 'nurse-bot', [note]],
      ['get', 'admin', [note]],
    ])
    expect(await operations({ userId: 'alice', agentId: 'other' })).toEqual([])
    // Bob's failed attempt at Alice's memory is in Bob's audit, with nothing returned.
    expect(await operations({ userId: 'bob' })).toEqual([
      ['search', undefined, [expect.any(String)]],
      ['get', 'bob-app', []],
    ])
  })

  it('reads back from `since` on, at most `limit`', async () => {
    const { memory } = await open()
    await remember(memory, 'Alice likes green tea', { userId: 'alice' })
    for (const query of ['first', 'second', 'third']) {
      tick(10)
      await memory.search(query, { userId: 'alice' })
    }

    const since = await memory.audit({ userId: 'alice' }, { since: '2025-03-01T10:20:00Z' })
    expect(since.map((read) => read.query)).toEqual(['second', 'third'])
    expect((await memory.audit({ userId: 'alice' }, { since: new Date('2025-03-01T10:20:00Z'), limit: 1 })).map((read) => read.query)).toEqual(['second'])
    expect((await memory.audit({ userId: 'alice' }, { limit: 2 })).map((read) => read.query)).toEqual(['first', 'second'])
  })

  it('fails a read with STORE_UNAVAILABLE rather than return it unlogged', async () => {
    const { memory, dataDir } = await open()
    const tea = await remember(memory, 'Alice likes green tea', { userId: 'alice' })
    // The audit's table disappears under the running Memory (a damaged or replaced file)…
    const outside = new Database(join(dataDir, 'audit.db'))
    outside.exec('ALTER TABLE read_audit RENAME TO read_audit_away')

    for (const read of [() => memory.search('tea', { userId: 'alice' }), () => memory.get(tea), () => memory.getAll({ userId: 'alice' })]) {
      const error = await rejection(read())
      expect(error.code).toBe('STORE_UNAVAILABLE')
      expect(error.message).toContain('read audit could not log')
    }
    // …and comes back: reads work and are logged again.
    outside.exec('ALTER TABLE read_audit_away RENAME TO read_audit')
    outside.close()
    expect((await memory.get(tea))?.id).toBe(tea)
    expect((await memory.audit({ userId: 'alice' })).map((read) => read.operation)).toEqual(['get'])
  })

  it('erases a scope’s reads with deleteAll, keeping other scopes’', async () => {
    const { memory } = await open()
    await remember(memory, 'Alice likes green tea', { userId: 'alice' })
    await memory.search('tea', { userId: 'alice', actor: 'bot' })
    await memory.search('tea', { userId: 'bob', actor: 'bot' })

    await memory.deleteAll({ userId: 'alice' })

    expect(await memory.audit({ userId: 'alice' })).toEqual([])
    expect((await memory.audit({ userId: 'bob' })).map((read) => read.scope)).toEqual([{ userId: 'bob' }])
  })

  it('is off by default: reads are not logged, and audit() says how to enable it', async () => {
    const { memory, dataDir } = await open({})
    await remember(memory, 'Alice likes green tea', { userId: 'alice' })
    await memory.search('tea', { userId: 'alice', actor: 'bot' })

    const error = await rejection(memory.audit({ userId: 'alice' }))
    expect(error.code).toBe('INVALID_CONFIG')
    expect(error.message).toContain('audit: { enabled: true }')
    expect(existsSync(join(dataDir, 'audit.db'))).toBe(false)
  })

  it('validates its input', async () => {
    const { memory } = await open()
    expect((await rejection(memory.audit({}))).code).toBe('INVALID_INPUT')
    expect((await rejection(memory.audit({ userId: 'alice' }, { since: 'yesterday' }))).code).toBe('INVALID_INPUT')
    expect((await rejection(memory.get('some-id', undefined, { actor: '' }))).code).toBe('INVALID_INPUT')
  })
})
