import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalEmbedder } from '../../src/adapters/local/local-embedder.js'
import { DEFAULT_GRAPH } from '../../src/config/resolve.js'
import { testModelDir } from '../helpers/model-dir.js'

interface Pair {
  a: string
  b: string
  same: boolean
}
const { pairs } = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/entity-pairs.json'), 'utf8')) as { pairs: Pair[] }

/**
 * Why graph.entityThreshold defaults to 0.85: on the labelled pairs, it is the lowest threshold
 * at which no two different entities merge (a false merge corrupts a user's graph silently; a
 * missed merge only leaves two nodes), while it still merges the spelling and suffix variants.
 */
describe('graph.entityThreshold on labelled entity pairs (real embedding model)', () => {
  let embedder: LocalEmbedder
  let similarity: Array<{ pair: Pair; value: number }>

  beforeAll(async () => {
    embedder = await LocalEmbedder.open({ modelDir: testModelDir() })
    similarity = []
    for (const pair of pairs) {
      const [a, b] = await embedder.embed([pair.a, pair.b], 'document')
      similarity.push({ pair, value: a!.reduce((sum, x, i) => sum + x * b![i]!, 0) })
    }
  })
  afterAll(() => embedder.close())

  const at = (threshold: number) => {
    const merged = similarity.filter((entry) => entry.value >= threshold)
    return {
      falseMerges: merged.filter((entry) => !entry.pair.same).map((entry) => `${entry.pair.a} ~ ${entry.pair.b}`),
      recall: merged.filter((entry) => entry.pair.same).length / similarity.filter((entry) => entry.pair.same).length,
    }
  }

  it('the default merges no different entities and at least half of the same ones', () => {
    expect(DEFAULT_GRAPH.entityThreshold).toBe(0.85)
    const chosen = at(DEFAULT_GRAPH.entityThreshold)
    expect(chosen.falseMerges).toEqual([])
    expect(chosen.recall).toBeGreaterThanOrEqual(0.5)
  })

  it('a lower threshold starts merging different entities, a higher one loses merges', () => {
    expect(at(0.8).falseMerges.length).toBeGreaterThan(0)
    expect(at(0.9).recall).toBeLessThan(at(0.85).recall)
  })
})
