import { afterEach, describe, expect, it } from 'vitest'
import type { Memory } from '../../src/index.js'
import { parseTransferLine } from '../../src/index.js'
import { MCP_TOOLS } from '../../src/mcp/tool-schemas.js'
import { rejection } from '../helpers/rejection.js'
import { openTempMemory } from '../helpers/temp-memory.js'

/** Every time public input takes also takes a plain date, as midnight UTC. */
describe('plain dates as times', () => {
  let dispose: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dispose?.()
    dispose = undefined
  })

  async function open(): Promise<Memory> {
    const opened = await openTempMemory({ clock: () => new Date('2025-02-01T12:00:00Z') }, { graphStore: { provider: 'none' } })
    dispose = opened.dispose
    return opened.memory
  }

  it('takes observedAt, expiresAt and asOf as YYYY-MM-DD, meaning midnight UTC', async () => {
    const memory = await open()
    const { results } = await memory.add('Alice moved to Lisbon', { userId: 'alice', infer: false, observedAt: '2025-01-10', expiresAt: '2099-01-01' })
    const stored = await memory.get(results[0]!.id)
    expect(stored).toMatchObject({ observedAt: '2025-01-10T00:00:00.000Z', expiresAt: '2099-01-01T00:00:00.000Z' })
    const found = await memory.search('Lisbon', { userId: 'alice', asOf: '2025-03-01' })
    expect(found.results.map((item) => item.id)).toEqual([results[0]!.id])
  })

  it('still refuses text that is neither form, saying which forms pass', async () => {
    const memory = await open()
    const error = await rejection(memory.add('x', { userId: 'alice', infer: false, observedAt: '10/01/2025' }))
    expect(error).toMatchObject({ code: 'INVALID_INPUT' })
    expect(error.message).toContain('or a date (2025-01-10, midnight UTC)')
  })

  it('takes a plain date as an import timestamp and in the MCP tools', () => {
    expect(parseTransferLine(JSON.stringify({ scope: { userId: 'a' }, messages: 'hi', timestamp: '2025-01-10' }))).toMatchObject({ timestamp: '2025-01-10' })
    expect(MCP_TOOLS.add_memory.inputSchema.safeParse({ messages: 'hi', observedAt: '2025-01-10' }).success).toBe(true)
    expect(MCP_TOOLS.search_memory.inputSchema.safeParse({ query: 'hi', asOf: '2025-03-01' }).success).toBe(true)
  })
})
