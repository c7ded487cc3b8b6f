import { describe, expect, it } from 'vitest'
import { BucketTable } from '../../src/adapters/sqlite/bucket-table.js'
import { seededRandom } from '../../src/seeded-random.js'

/** Keys shaped like entity-buckets.ts's: one scope base (a multiple of 2^22) plus table × 2^16 + code. */
const BASE = 123_456 * 2 ** 22
const key = (table: number, code: number) => BASE + table * 2 ** 16 + code

describe('BucketTable', () => {
  it('finds every entity stored under a probed key, each once, and none stored elsewhere', () => {
    const table = new BucketTable()
    table.add('a', [key(0, 1), key(1, 7)])
    table.add('b', [key(0, 1), key(1, 8)])
    table.add('c', [key(0, 2), key(1, 9)])
    expect(table.candidates([key(0, 1)]).sort()).toEqual(['a', 'b'])
    expect(table.candidates([key(0, 1), key(1, 7), key(1, 8)]).sort()).toEqual(['a', 'b'])
    expect(table.candidates([key(1, 9)])).toEqual(['c'])
    // The same code in another table, or another scope's base, is another key.
    expect(table.candidates([key(2, 1), BASE + 2 ** 22 + 1])).toEqual([])
  })

  it('returns the entities without buckets for every lookup', () => {
    const table = new BucketTable()
    table.add('old', null)
    table.add('new', [key(0, 5)])
    expect(table.candidates([])).toEqual(['old'])
    expect(table.candidates([key(0, 5)]).sort()).toEqual(['new', 'old'])
  })

  it('agrees with a plain map of sets after growing far past its first size', () => {
    const random = seededRandom(3)
    const table = new BucketTable()
    const expected = new Map<number, Set<string>>()
    for (let entity = 0; entity < 3000; entity++) {
      // Few distinct codes, so that keys repeat across entities and runs of equal keys form.
      const keys = Array.from({ length: 40 }, (_, t) => key(t, Math.floor(random() * 64)))
      table.add(`e${entity}`, keys)
      for (const stored of keys) expected.set(stored, (expected.get(stored) ?? new Set()).add(`e${entity}`))
    }
    for (let probe = 0; probe < 200; probe++) {
      const probes = Array.from({ length: 5 }, () => key(Math.floor(random() * 41), Math.floor(random() * 70)))
      const want = new Set(probes.flatMap((stored) => [...(expected.get(stored) ?? [])]))
      expect(new Set(table.candidates(probes))).toEqual(want)
      expect(table.candidates(probes)).toHaveLength(want.size)
    }
  })
})
