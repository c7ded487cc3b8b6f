import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Memory } from '../../src/index.js'
import { openTempMemory } from '../helpers/temp-memory.js'
import { rejection } from '../helpers/rejection.js'

/**
 * README "Limits": every bound on public input is enforced with INVALID_INPUT, the message names
 * the limit and the setting that raises it, input at the limit is accepted, and a raised limit
 * lets more through. The embedded stores suffice: limits are checked before any store is touched.
 */
describe('input limits', () => {
  let memory: Memory
  let raised: Memory
  const disposers: Array<() => Promise<void>> = []

  beforeAll(async () => {
    const defaults = await openTempMemory()
    const generous = await openTempMemory(
      {},
      {
        limits: { maxMetadataKeys: 100, maxMetadataKeyLength: 200, maxMetadataValueBytes: 10_000, maxMetadataBytes: 100_000, maxQueryBytes: 40_000 },
      },
    )
    memory = defaults.memory
    raised = generous.memory
    disposers.push(defaults.dispose, generous.dispose)
  })
  afterAll(() => Promise.all(disposers.map((dispose) => dispose())))

  const scope = { userId: 'limits' }
  const addWith = (target: Memory, metadata: Record<string, string | number>) => target.add('a note', { ...scope, infer: false, metadata })
  // Filters are bounded like metadata; a raised limit is shown through them.
  const filterWith = (target: Memory, filters: Record<string, string | number>) => target.getAll({ ...scope, filters })
  const keys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index}`, index]))

  it('bounds the number of metadata keys (default 64)', async () => {
    await expect(addWith(memory, keys(64))).resolves.toMatchObject({ results: [{ event: 'ADD' }] })
    const error = await rejection(addWith(memory, keys(65)))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('at most 64 keys; raise config.limits.maxMetadataKeys')
    await expect(filterWith(raised, keys(65))).resolves.toBeDefined()
    const elsewhere = raised.add('a note', { userId: 'limits-add', infer: false, metadata: keys(65) })
    await expect(elsewhere, 'a raised limit holds for add too').resolves.toMatchObject({ results: [{ event: 'ADD' }] })
  })

  it('bounds the length of a metadata key (default 128 characters)', async () => {
    await expect(addWith(memory, { ['k'.repeat(128)]: 1 })).resolves.toMatchObject({ results: [{ event: 'ADD' }] })
    const error = await rejection(addWith(memory, { ['k'.repeat(129)]: 1 }))
    expect(error.message).toContain('raise config.limits.maxMetadataKeyLength')
    await expect(filterWith(raised, { ['k'.repeat(129)]: 1 })).resolves.toBeDefined()
  })

  it('bounds one metadata value in UTF-8 bytes (default 4096)', async () => {
    // "é" is two bytes: 2048 of them are exactly at the limit.
    await expect(addWith(memory, { note: 'é'.repeat(2048) })).resolves.toMatchObject({ results: [{ event: 'ADD' }] })
    const error = await rejection(addWith(memory, { note: `${'é'.repeat(2048)}x` }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('at most 4096 UTF-8 bytes; raise config.limits.maxMetadataValueBytes')
    await expect(filterWith(raised, { note: 'x'.repeat(10_000) })).resolves.toBeDefined()
  })

  it('bounds the whole metadata object as JSON (default 16384 bytes)', async () => {
    const big = Object.fromEntries(Array.from({ length: 5 }, (_, index) => [`k${index}`, 'x'.repeat(4000)]))
    const error = await rejection(addWith(memory, big))
    expect(error.message).toContain('raise config.limits.maxMetadataBytes')
    await expect(filterWith(raised, big)).resolves.toBeDefined()
  })

  it('applies the metadata limits to filters as well', async () => {
    const error = await rejection(memory.getAll({ ...scope, filters: keys(65) }))
    expect(error.message).toContain('config.limits.maxMetadataKeys')
    await expect(raised.getAll({ ...scope, filters: keys(65) })).resolves.toEqual({ results: [], relations: [] })
  })

  it('bounds a search query in UTF-8 bytes (default 16384)', async () => {
    await expect(memory.search('q'.repeat(16_384), scope)).resolves.toBeDefined()
    const error = await rejection(memory.search('q'.repeat(16_385), scope))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('at most 16384 UTF-8 bytes; raise config.limits.maxQueryBytes')
    await expect(raised.search('q'.repeat(16_385), scope)).resolves.toBeDefined()
  })

  it('bounds a memory.graph.cypher() query at 16384 UTF-8 bytes, a fixed limit, before any store is asked', async () => {
    const commented = (filler: string) => `RETURN 1 //${filler}`
    // At the limit the query is let through, to a graph store that cannot run Cypher (SQLite).
    expect((await rejection(memory.graph.cypher(commented('x'.repeat(16_384 - 11)), {}, scope))).code).toBe('INVALID_CONFIG')
    for (const over of [commented('x'.repeat(16_385 - 11)), commented('é'.repeat(8_187))]) {
      const error = await rejection(memory.graph.cypher(over, {}, scope))
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.message).toContain('at most 16384 UTF-8 bytes (a fixed limit)')
    }
  })

  it('bounds scope ids at 256 characters, a fixed limit', async () => {
    await expect(memory.getAll({ userId: 'u'.repeat(256) })).resolves.toEqual({ results: [], relations: [] })
    const error = await rejection(memory.getAll({ userId: 'u'.repeat(257) }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('at most 256 characters (a fixed limit')
  })

  it('bounds the text of one add (default 1 MB)', async () => {
    const error = await rejection(memory.add('x'.repeat(1_000_001), { ...scope, infer: false }))
    expect(error.message).toContain('raise config.limits.maxInputBytes')
  })

  it('refuses limits that are not positive integers', async () => {
    const error = await rejection(openTempMemory({}, { limits: { maxQueryBytes: 0 } }))
    expect(error.code).toBe('INVALID_CONFIG')
    expect(error.message).toContain('limits.maxQueryBytes')
  })
})
