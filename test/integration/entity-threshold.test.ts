import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { LOCAL_EMBEDDING_MODELS, LOCAL_MODEL_NAMES, type LocalModelName } from '../../src/adapters/local/embedding-models.js'
import { pairSimilarities, THRESHOLD_CANDIDATES as CANDIDATES } from '../helpers/pair-similarity.js'

interface Pair {
  a: string
  b: string
  same: boolean
}
const { pairs } = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/entity-pairs.json'), 'utf8')) as { pairs: Pair[] }

/**
 * Whether the next candidate above a model's default merges fewer same-entity pairs. With
 * bge-small-en-v1.5 it does not (its last merge below 0.9 is "Acme" / "Acme Corp" at 0.908):
 * there the rule, the lowest threshold without a false merge, decides alone.
 */
const HIGHER_LOSES_MERGES: Record<LocalModelName, boolean> = {
  'all-MiniLM-L6-v2': true,
  'bge-small-en-v1.5': false,
  'e5-small-v2': true,
}

/**
 * Why each local model's default graph.entityThreshold is what it is: on the labelled pairs, it
 * is the lowest threshold at which no two different entities merge (a false merge corrupts a
 * user's graph silently; a missed merge only leaves two nodes), and it still merges at least half
 * of the same-entity pairs: the spelling and suffix variants.
 */
describe.each(LOCAL_MODEL_NAMES)('graph.entityThreshold of %s on labelled entity pairs (real model)', (name) => {
  const model = LOCAL_EMBEDDING_MODELS[name]
  let similarity: Array<{ pair: Pair; value: number }>

  beforeAll(async () => {
    similarity = await pairSimilarities(model, pairs, (pair) => [
      [pair.a, 'document'],
      [pair.b, 'document'],
    ])
  })
  const at = (threshold: number) => {
    const merged = similarity.filter((entry) => entry.value >= threshold)
    return {
      falseMerges: merged.filter((entry) => !entry.pair.same).map((entry) => `${entry.pair.a} ~ ${entry.pair.b}`),
      recall: merged.filter((entry) => entry.pair.same).length / similarity.filter((entry) => entry.pair.same).length,
    }
  }
  const step = (threshold: number, by: number) => CANDIDATES[CANDIDATES.indexOf(threshold) + by]!

  it('its default is the lowest candidate that merges no different entities, and merges at least half of the same ones', () => {
    expect(CANDIDATES.find((threshold) => at(threshold).falseMerges.length === 0)).toBe(model.entityThreshold)
    expect(at(model.entityThreshold).falseMerges).toEqual([])
    expect(at(model.entityThreshold).recall).toBeGreaterThanOrEqual(0.5)
  })

  it('the next lower candidate merges different entities', () => {
    expect(at(step(model.entityThreshold, -1)).falseMerges.length).toBeGreaterThan(0)
  })

  it(`the next higher candidate ${HIGHER_LOSES_MERGES[name] ? 'loses merges' : 'merges the same pairs'}`, () => {
    expect(at(step(model.entityThreshold, 1)).recall < at(model.entityThreshold).recall).toBe(HIGHER_LOSES_MERGES[name])
  })
})
