import { readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { configSchema, type EngramConfig } from '../../config/schema.js'
import { EngramError } from '../../errors.js'
import { loadEvalFile } from '../../eval/datasets.js'
import { type EvalFigures, type EvalReport, runEval } from '../../eval/runner.js'
import { UsageError } from '../args.js'
import { Progress } from '../progress.js'

const OPTIONS = {
  observations: { type: 'boolean', default: false },
  infer: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  out: { type: 'string' },
  config: { type: 'string' },
  rankings: { type: 'string' },
} as const

const rankingsSchema = z.record(z.string().min(1), configSchema.shape.ranking.unwrap())

/**
 * `engram eval FILE`: the retrieval benchmark of a LoCoMo- or LongMemEval-layout file (src/eval),
 * with progress on stderr, a summary on stdout (`--json`: the report without per-question rows)
 * and the full report, every question included, in the results file.
 */
export async function evaluate(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
  const file = positionals[0]
  if (file === undefined || positionals.length > 1)
    throw new UsageError('eval takes one file: engram eval FILE [--observations] [--infer] [--config FILE] [--rankings FILE] [--out FILE] [--json]')
  const config = values.config === undefined ? {} : (configSchema.parse(await readJson(values.config)) as EngramConfig)
  const rankings = values.rankings === undefined ? undefined : rankingsSchema.parse(await readJson(values.rankings))
  const dataset = await loadEvalFile(file)
  const progress: Record<string, Progress> = {}
  const report = await runEval(dataset, {
    config,
    unit: values.observations ? 'observations' : 'turns',
    infer: values.infer,
    ...(rankings !== undefined ? { rankings } : {}),
    onProgress: ({ phase, done, total }) => {
      let bar = progress[phase]
      if (bar === undefined) {
        bar = new Progress(`eval ${phase === 'add' ? 'storing' : 'asking'}`, total, undefined, undefined, phase === 'add' ? 'adds' : 'questions')
        progress[phase] = bar
      }
      bar.advance()
      if (done === total) bar.finish()
    },
  })
  const out = resolve(values.out ?? 'engram-eval-results.json')
  await writeFile(out, `${JSON.stringify({ file: resolve(file), ...report }, null, 2)}\n`)
  const summary = {
    file: resolve(file),
    resultsFile: out,
    ...report,
    rankings: Object.fromEntries(Object.entries(report.rankings).map(([name, { results: _, ...rest }]) => [name, rest])),
  }
  if (values.json) console.log(JSON.stringify(summary, null, 2))
  else console.log(formatReport(report, out))
  return 0
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new EngramError('INVALID_INPUT', `${path}: ${(error as Error).message}`)
  }
}

const percent = (value: number) => (100 * value).toFixed(1).padStart(6)

/** The report as text: per ranking, one row per category and one for all questions. */
export function formatReport(report: EvalReport, resultsFile: string): string {
  const budgets = Object.keys(Object.values(report.rankings)[0]?.overall.budgetRecall ?? {})
  const header = `${'category'.padEnd(16)} ${'n'.padStart(5)} ${'R@1'.padStart(6)} ${'R@5'.padStart(6)} ${'R@10'.padStart(6)} ${'MRR'.padStart(6)} ${budgets.map((budget) => `R@${Number(budget) / 1000}k`.padStart(6)).join(' ')}`
  const row = (name: string, figures: EvalFigures) =>
    `${name.padEnd(16)} ${String(figures.questions).padStart(5)} ${percent(figures.recallAt1)} ${percent(figures.recallAt5)} ${percent(figures.recallAt10)} ${percent(figures.mrr)} ${budgets.map((budget) => percent(figures.budgetRecall[budget]!)).join(' ')}`
  const lines = [
    `${report.layout} layout, ${report.conversations} conversations, ${report.memories} memories (${report.unit}${report.infer ? ', through the LLM' : ', verbatim'}), ${report.questions} questions${report.skipped > 0 ? ` (${report.skipped} without evidence skipped)` : ''}, embedder ${report.embedder}`,
  ]
  if (report.infer && report.adds.count > 0) {
    const per = (value: number) => (value / report.adds.count).toFixed(1)
    lines.push(
      `adds: ${report.adds.count}, ${per(report.adds.llmCalls)} LLM calls and ${per(report.adds.promptTokens)} prompt + ${per(report.adds.completionTokens)} completion tokens per add`,
    )
  }
  for (const [name, ranking] of Object.entries(report.rankings)) {
    lines.push(
      '',
      `ranking ${name} ${JSON.stringify(ranking.ranking)}: search p50 ${ranking.latencyMs.p50.toFixed(1)} ms, p95 ${ranking.latencyMs.p95.toFixed(1)} ms`,
      header,
    )
    for (const [category, figures] of Object.entries(ranking.categories)) lines.push(row(category, figures))
    lines.push(row('all', ranking.overall))
  }
  lines.push('', `recall in %, R@Nk: within a context of N thousand tokens; every question in ${resultsFile}`)
  return lines.join('\n')
}
