import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngramConfig } from '../../src/config/schema.js'
import { loadEvalFile } from '../../src/eval/datasets.js'
import { runEval } from '../../src/eval/runner.js'
import { testModelDir } from '../helpers/model-dir.js'

const FIXTURES = join(import.meta.dirname, '../fixtures/eval')
const LOCOMO = join(FIXTURES, 'locomo-small.json')
const LONGMEMEVAL = join(FIXTURES, 'longmemeval-small.json')
const BIN = join(import.meta.dirname, '../../dist/cli/main.js')
const CONFIG: EngramConfig = {
  embedder: { provider: 'local', config: { modelDir: testModelDir() } },
  vectorStore: { provider: 'sqlite' },
  graphStore: { provider: 'sqlite' },
}

describe('the eval harness on small files of both layouts (real embedding model, SQLite)', () => {
  it('LoCoMo layout, turns: stores every turn with its session date, scores each question with evidence, skips the one without', async () => {
    const dataset = await loadEvalFile(LOCOMO)
    expect(dataset.layout).toBe('locomo')
    expect(dataset.conversations[0]!.sessions.map((session) => session.date?.toISOString())).toEqual([
      '2024-03-03T10:15:00.000Z',
      '2024-03-21T19:40:00.000Z',
      '2024-04-02T09:05:00.000Z',
    ])
    const report = await runEval(dataset, { config: CONFIG })
    expect(report).toMatchObject({ layout: 'locomo', unit: 'turns', infer: false, conversations: 1, memories: 12, questions: 5, skipped: 1 })
    const { categories, overall, results, latencyMs } = report.rankings.config!
    expect(Object.keys(categories)).toEqual(['1', '2', '4'])
    expect(categories['4']!.questions).toBe(3)
    const marathon = results.find((item) => item.question.includes('half marathon'))!
    expect(marathon).toMatchObject({ category: '2', evidence: ['D3:1'], reciprocalRank: 1 })
    expect(marathon.retrieved[0]).toEqual(['D3:1'])
    const twoHop = results.find((item) => item.category === '1')!
    expect(twoHop.evidence).toEqual(['D2:3', 'D3:4'])
    expect(twoHop.recallAt10).toBe(1)
    expect(overall.recallAt10).toBe(1)
    // The whole conversation is far below 1,000 tokens: every budget holds all evidence.
    expect(overall.budgetRecall).toEqual({ '1000': 1, '2000': 1, '4000': 1 })
    expect(latencyMs.p95).toBeGreaterThanOrEqual(latencyMs.p50)
    expect(report.adds).toMatchObject({ count: 3, llmCalls: 0 })
  })

  it('LoCoMo layout, observations: an observation covers every turn it cites', async () => {
    const report = await runEval(await loadEvalFile(LOCOMO), { config: CONFIG, unit: 'observations', budgets: [20] })
    expect(report).toMatchObject({ unit: 'observations', memories: 7, questions: 5 })
    const marathon = report.rankings.config!.results.find((item) => item.question.includes('half marathon'))!
    expect(marathon.retrieved[0]).toEqual(['D3:1', 'D3:3'])
    // About 20 tokens hold one observation, not the two a two-hop question needs.
    expect(report.rankings.config!.categories['1']!.budgetRecall['20']).toBeLessThanOrEqual(0.5)
  })

  it('LongMemEval layout: one scope per question, evidence by session, several rankings over the same stored data', async () => {
    const dataset = await loadEvalFile(LONGMEMEVAL)
    expect(dataset.layout).toBe('longmemeval')
    expect(dataset.conversations[1]!.questions[0]!.askedAt?.toISOString()).toBe('2024-07-01T10:00:00.000Z')
    const report = await runEval(dataset, {
      config: CONFIG,
      rankings: {
        cosine: { keywordWeight: 0, recencyWeight: 0, reinforcementWeight: 0, crowdingWeight: 0 },
        keywords: { keywordWeight: 1, recencyWeight: 0, reinforcementWeight: 0 },
      },
    })
    expect(report).toMatchObject({ layout: 'longmemeval', conversations: 2, memories: 12, questions: 2, skipped: 0 })
    expect(Object.keys(report.rankings)).toEqual(['cosine', 'keywords'])
    expect(report.rankings.cosine!.ranking).toMatchObject({ keywordWeight: 0 })
    const kitchen = report.rankings.cosine!.results.find((item) => item.id === 'lme-small-1')!
    expect(kitchen.retrieved[0]).toEqual(['s-b'])
    expect(Object.keys(report.rankings.cosine!.categories)).toEqual(['single-session-user', 'temporal-reasoning'])
  })

  it('--infer without an LLM configured fails clearly before storing anything', async () => {
    await expect(runEval(await loadEvalFile(LONGMEMEVAL), { config: CONFIG, infer: true })).rejects.toThrow(/configure an LLM/)
  })
})

describe('engram eval (built bin)', () => {
  let dir: string
  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" first (npm test does)`)
    dir = mkdtempSync(join(tmpdir(), 'engram-eval-cli-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const engram = async (args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ENGRAM_MODEL_DIR: testModelDir() },
        cwd: dir,
      })
      return { code: 0, stdout, stderr }
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string }
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
    }
  }

  it('prints the table, reports progress on stderr and writes every question to the results file', async () => {
    const { code, stdout, stderr } = await engram(['eval', LOCOMO])
    expect(code).toBe(0)
    expect(stdout).toMatch(/locomo layout, 1 conversations, 12 memories \(turns, verbatim\), 5 questions \(1 without evidence skipped\)/)
    expect(stdout).toMatch(/^all\s+5\s+[\d.]+\s+[\d.]+\s+100\.0\s+[\d.]+\s+100\.0\s+100\.0\s+100\.0$/m)
    expect(stderr).toMatch(/eval storing: 3\/3 adds \(100%\)/)
    expect(stderr).toMatch(/eval asking: 5\/5 questions \(100%\)/)
    const saved = JSON.parse(readFileSync(join(dir, 'engram-eval-results.json'), 'utf8'))
    expect(saved.rankings.config.results).toHaveLength(5)
  })

  it('--json prints the summary without per-question rows; --out names the results file; a bad file is refused', async () => {
    const { code, stdout } = await engram(['eval', LONGMEMEVAL, '--json', '--out', 'lme.json'])
    expect(code).toBe(0)
    const summary = JSON.parse(stdout)
    expect(summary).toMatchObject({ layout: 'longmemeval', questions: 2, resultsFile: join(dir, 'lme.json') })
    expect(summary.rankings.config.results).toBeUndefined()
    expect(summary.rankings.config.overall.questions).toBe(2)
    expect(JSON.parse(readFileSync(join(dir, 'lme.json'), 'utf8')).rankings.config.results).toHaveLength(2)
    const refused = await engram(['eval', join(FIXTURES, '..', 'entity-pairs.json')])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^engram: INVALID_INPUT: .*neither the LoCoMo layout/)
  })
})
