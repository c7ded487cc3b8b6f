import { describe, expect, it } from 'vitest'
import type { HybridHit } from '../../src/ports.js'
import { CLOSEST, crowdingOf, NEIGHBOURHOOD } from '../../src/search/crowding.js'

const unit = (...values: number[]): Float32Array => {
  const norm = Math.hypot(...values)
  return Float32Array.from(values, (value) => value / norm)
}

const hit = (id: string, vector: Float32Array, vectorRank?: number): HybridHit => ({
  memory: {
    id,
    text: id,
    hash: id,
    metadata: {},
    scope: { userId: 'u' },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    observedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: null,
    memoryType: 'semantic',
    mentions: 1,
  },
  vector,
  score: 0,
  explain: vectorRank === undefined ? { vectorSimilarity: 0 } : { vectorSimilarity: 0, vectorRank },
})

describe('crowdingOf', () => {
  it('is the mean similarity to the closest others among the vector list, the hit itself left out', () => {
    const a = hit('a', unit(1, 0, 0), 1)
    const b = hit('b', unit(1, 1, 0), 2)
    const c = hit('c', unit(0, 0, 1), 3)
    const crowding = crowdingOf([a, b, c])
    // a: b at cos 45° and c at 0, both among its closest (fewer than CLOSEST others).
    expect(crowding.get('a')).toBeCloseTo((Math.SQRT1_2 + 0) / 2, 6)
    expect(crowding.get('c')).toBeCloseTo(0, 6)
  })

  it('averages only the CLOSEST most similar neighbours, so a crowded hit scores higher than a lone one', () => {
    const crowd = Array.from({ length: 12 }, (_, index) => hit(`near-${index}`, unit(1, 0.05 * index, 0), index + 1))
    const lone = hit('lone', unit(0, 1, 0), 13)
    const crowding = crowdingOf([...crowd, lone])
    expect(crowding.get('near-0')!).toBeGreaterThan(0.95)
    expect(crowding.get('lone')!).toBeLessThan(0.6)
    // The lone hit's closest are the crowd members most turned towards it, not the crowd's mean.
    const towardLone = crowd.map((neighbour) => neighbour.vector[1]!).sort((x, y) => y - x)
    expect(crowding.get('lone')).toBeCloseTo(towardLone.slice(0, CLOSEST).reduce((sum, value) => sum + value, 0) / CLOSEST, 6)
  })

  it('measures keyword-only hits against the neighbourhood without joining it, and counts verbatim copies', () => {
    const first = hit('first', unit(1, 0, 0), 1)
    const copy = hit('copy', unit(1, 0, 0), 2)
    const other = hit('other', unit(0, 1, 0), 3)
    const keywordOnly = hit('keyword-only', unit(1, 0, 0))
    const crowding = crowdingOf([first, copy, other, keywordOnly])
    // The copy counts for the original (and the keyword-only twin does not, being outside the list).
    expect(crowding.get('first')).toBeCloseTo((1 + 0) / 2, 6)
    expect(crowding.get('keyword-only')).toBeCloseTo((1 + 1 + 0) / 3, 6)
  })

  it('ignores hits the vector list ranked below the neighbourhood', () => {
    const inside = hit('inside', unit(1, 0, 0), 1)
    const far = hit('far', unit(0, 1, 0), 2)
    const outside = hit('outside', unit(1, 0, 0), NEIGHBOURHOOD + 1)
    expect(crowdingOf([inside, far, outside]).get('inside')).toBeCloseTo(0, 6)
    expect(crowdingOf([inside]).get('inside')).toBe(0)
  })
})
