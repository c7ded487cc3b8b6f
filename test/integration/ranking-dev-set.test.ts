import { describe, expect, it } from 'vitest'
import type { EngramConfig } from '../../src/config/schema.js'
import { loadEvalFile } from '../../src/eval/datasets.js'
import { runEval } from '../../src/eval/runner.js'
import { testModelDir } from '../helpers/model-dir.js'

const DEV_SET = new URL('../../bench/fixtures/recall-dev-set.json', import.meta.url).pathname
const CONVERSATIONS = 5

/*
 * The default ranking against plain cosine similarity with the same embedder, on the first
 * conversations of the retrieval dev set (the whole set is bench/recall.ts's, BENCHMARKS.md
 * "Recall"). With every weight 0, relevance is the cosine similarity and the ranking pool holds the
 * closest memories by vector (src/operations/search.ts), so the "cosine" ranking is exact cosine.
 */
describe('the default ranking on the retrieval dev set (real embedding model, SQLite)', () => {
  it('finds at least 2 points more answers in the top 10 than cosine similarity alone, puts them higher, and finds as many in every category', {
    timeout: 600_000,
  }, async () => {
    const dataset = await loadEvalFile(DEV_SET)
    const config: EngramConfig = {
      embedder: { provider: 'local', config: { modelDir: testModelDir() } },
      vectorStore: { provider: 'sqlite' },
      graphStore: { provider: 'none' },
    }
    const conversations = dataset.conversations.slice(0, CONVERSATIONS)
    const report = await runEval(
      { ...dataset, conversations },
      {
        config,
        budgets: [],
        rankings: { cosine: { keywordWeight: 0, recencyWeight: 0, reinforcementWeight: 0, crowdingWeight: 0 }, defaults: {} },
      },
    )
    const { cosine, defaults } = report.rankings
    expect(report.questions).toBe(conversations.reduce((sum, conversation) => sum + conversation.questions.length, 0))
    // Measured with bge-small-en-v1.5 on these 302 questions: recall@10 0.811 against 0.770.
    expect(defaults!.overall.mrr).toBeGreaterThan(cosine!.overall.mrr)
    expect(defaults!.overall.recallAt10).toBeGreaterThanOrEqual(cosine!.overall.recallAt10 + 0.02)
    for (const [category, figures] of Object.entries(cosine!.categories)) {
      expect(defaults!.categories[category]!.recallAt10, category).toBeGreaterThanOrEqual(figures.recallAt10 - 1e-9)
    }
  })
})
