import { describe, expect, it } from 'vitest'
import { parseEvalData, parseSessionDate } from '../../src/eval/datasets.js'
import { percentile, recallAt, recallWithinBudget, reciprocalRank } from '../../src/eval/metrics.js'
import { countTokens, questionFigures, summarize } from '../../src/eval/runner.js'

// Results covering: rank 1 nothing, rank 2 "b", rank 3 nothing, rank 4 "a" and "c" (an observation citing two turns).
const answer = { covered: [[], ['b'], ['x'], ['a', 'c'], ['y']], evidence: ['a', 'b'] }

describe('retrieval metrics, values checked by hand', () => {
  it('recall@k is the share of evidence keys in the top k', () => {
    expect(recallAt(answer, 1)).toBe(0)
    expect(recallAt(answer, 2)).toBe(0.5)
    expect(recallAt(answer, 3)).toBe(0.5)
    expect(recallAt(answer, 4)).toBe(1)
    expect(recallAt({ covered: [['a'], ['a']], evidence: ['a', 'b', 'c'] }, 10)).toBeCloseTo(1 / 3, 12)
    expect(recallAt({ covered: [['a']], evidence: [] }, 10)).toBe(0)
  })

  it('the reciprocal rank is that of the first result covering any evidence', () => {
    expect(reciprocalRank(answer)).toBe(0.5)
    expect(reciprocalRank({ covered: [['z'], ['y'], ['x'], ['c']], evidence: ['c'] })).toBe(0.25)
    expect(reciprocalRank({ covered: [['z']], evidence: ['c'] })).toBe(0)
  })

  it('budgeted recall counts the results that fit, best first, and stops at the first that does not', () => {
    const tokens = [300, 400, 200, 500, 10]
    expect(recallWithinBudget(answer, tokens, 299)).toBe(0)
    expect(recallWithinBudget(answer, tokens, 700)).toBe(0.5)
    // 300 + 400 + 200 = 900; the fourth (500) would make 1400.
    expect(recallWithinBudget(answer, tokens, 1399)).toBe(0.5)
    expect(recallWithinBudget(answer, tokens, 1400)).toBe(1)
  })

  it('percentiles by nearest rank', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]
    expect(percentile(values, 0.5)).toBe(5)
    expect(percentile(values, 0.95)).toBe(10)
    expect(percentile(values, 0.9)).toBe(9)
    expect(percentile([], 0.5)).toBe(0)
  })

  it('averages questions overall and per category', () => {
    const top = (covered: string[][]) => ({ covered, evidence: ['a'] })
    const figures = (covered: string[][]) =>
      questionFigures(
        top(covered),
        top(covered),
        covered.map(() => 600),
        [1000],
      )
    const { overall, categories } = summarize([
      { category: 'x', figures: figures([['a']]) },
      { category: 'x', figures: figures([['b'], ['a']]) },
      { category: 'y', figures: figures([['b']]) },
    ])
    expect(categories.x).toEqual({ questions: 2, recallAt1: 0.5, recallAt5: 1, recallAt10: 1, mrr: 0.75, budgetRecall: { '1000': 0.5 } })
    expect(categories.y).toMatchObject({ questions: 1, recallAt10: 0, mrr: 0 })
    expect(overall.mrr).toBeCloseTo(0.5, 12)
    expect(overall.recallAt10).toBeCloseTo(2 / 3, 12)
  })

  it('counts tokens with the cl100k_base tokenizer', () => {
    expect(countTokens('hello world')).toBe(2)
    expect(countTokens('')).toBe(0)
  })
})

describe('benchmark layouts', () => {
  it('reads both benchmarks’ session dates as UTC', () => {
    expect(parseSessionDate('1:56 pm on 8 May, 2023')?.toISOString()).toBe('2023-05-08T13:56:00.000Z')
    expect(parseSessionDate('12:05 am on 1 January, 2024')?.toISOString()).toBe('2024-01-01T00:05:00.000Z')
    expect(parseSessionDate('2023/05/20 (Sat) 02:21')?.toISOString()).toBe('2023-05-20T02:21:00.000Z')
    expect(parseSessionDate('2024-02-29T10:00:00Z')?.toISOString()).toBe('2024-02-29T10:00:00.000Z')
    expect(parseSessionDate('sometime in spring')).toBeNull()
  })

  it('refuses data that fits neither layout, naming what is wrong', () => {
    expect(() => parseEvalData({ questions: [] })).toThrow(/neither the LoCoMo layout/)
    expect(() => parseEvalData([{ sample_id: 's', conversation: {}, qa: [{ question: 'q?' }] }])).toThrow(/qa.0.category/)
    expect(() =>
      parseEvalData([
        {
          question_id: 'q',
          question_type: 't',
          question: 'q?',
          answer: 'a',
          haystack_dates: ['2024/01/01'],
          haystack_session_ids: ['s1', 's2'],
          haystack_sessions: [[]],
          answer_session_ids: [],
        },
      ]),
    ).toThrow(/same length/)
  })
})
