import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { LOCAL_EMBEDDING_MODELS, LOCAL_MODEL_NAMES } from '../../src/adapters/local/embedding-models.js'
import { LINK_MIN_SIMILARITY, linkMinSimilarity } from '../../src/search/graph-search.js'
import { pairSimilarities, THRESHOLD_CANDIDATES as CANDIDATES } from '../helpers/pair-similarity.js'

interface Pair {
  query: string
  entity: string
  linked: boolean
}
const { pairs } = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/query-entity-pairs.json'), 'utf8')) as { pairs: Pair[] }

/**
 * Why each local model's link threshold is what it is: on the labelled pairs, of the candidates
 * that link no unrelated name (a false link walks the graph from an entity the question is not
 * about), the one that links the most related ones; of equals, the highest, which keeps the widest
 * margin above unrelated names. Search compares a query's vector with a name's, as here.
 */
describe.each(LOCAL_MODEL_NAMES)('the graph link threshold of %s on labelled query-entity pairs (real model)', (name) => {
  const model = LOCAL_EMBEDDING_MODELS[name]
  let similarity: Array<{ pair: Pair; value: number }>

  beforeAll(async () => {
    similarity = await pairSimilarities(model, pairs, (pair) => [
      [pair.query, 'query'],
      [pair.entity, 'document'],
    ])
  })
  const at = (threshold: number) => {
    const linked = similarity.filter((entry) => entry.value >= threshold)
    return {
      falseLinks: linked.filter((entry) => !entry.pair.linked).map((entry) => `${entry.pair.query} ~ ${entry.pair.entity}`),
      links: linked.filter((entry) => entry.pair.linked).length,
    }
  }

  it('is the candidate that links the most related names and no unrelated one, the highest of equals', () => {
    const clean = CANDIDATES.filter((threshold) => at(threshold).falseLinks.length === 0)
    const most = Math.max(...clean.map((threshold) => at(threshold).links))
    expect(clean.filter((threshold) => at(threshold).links === most).at(-1)).toBe(model.linkThreshold)
  })

  it('links at least three quarters of the related names at it', () => {
    expect(at(model.linkThreshold).falseLinks).toEqual([])
    expect(at(model.linkThreshold).links / pairs.filter((pair) => pair.linked).length).toBeGreaterThanOrEqual(0.75)
  })

  it('is what search uses with it, found by its tag', () => {
    expect(linkMinSimilarity(model.tag)).toBe(model.linkThreshold)
  })
})

it('is all-MiniLM-L6-v2’s for any other embedder', () => {
  expect(linkMinSimilarity('text-embedding-3-small')).toBe(LINK_MIN_SIMILARITY)
  expect(LINK_MIN_SIMILARITY).toBe(LOCAL_EMBEDDING_MODELS['all-MiniLM-L6-v2'].linkThreshold)
})
