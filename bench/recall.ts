/**
 * The recall benchmark behind BENCHMARKS.md "Recall": the retrieval dev set
 * (bench/fixtures/recall-dev-set.json, written by generate-recall-dev-set.ts) stored verbatim with
 * each embedder, searched under each ranking, beside exact cosine similarity with the same embedder
 * (every stored turn scored against the query, no keyword list, no time: the baseline ranking must beat).
 *
 *   npx tsx bench/recall.ts [--file FILE] [--embedders all-MiniLM-L6-v2,...] [--rankings name,name] [--budgets none] [--out FILE]
 *
 * Writes bench/results/recall.json (or --out) and prints the tables; `--budgets none` skips the
 * budgeted recall and its second search per question.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createEmbedder } from '../src/adapters/registry.js'
import { readEnv } from '../src/config/env.js'
import { resolveConfig } from '../src/config/resolve.js'
import type { EngramConfig } from '../src/config/schema.js'
import { type EvalDataset, loadEvalFile } from '../src/eval/datasets.js'
import { countTokens, type EvalFigures, questionFigures, runEval, summarize } from '../src/eval/runner.js'
import type { Vector } from '../src/ports.js'

const argument = (name: string) => {
  const at = process.argv.indexOf(`--${name}`)
  return at < 0 ? undefined : process.argv[at + 1]
}

/** The rankings compared (BENCHMARKS.md "Recall"); `engram eval --rankings` takes the same file. */
export const RANKINGS = JSON.parse(readFileSync(new URL('./fixtures/recall-rankings.json', import.meta.url), 'utf8')) as Record<
  string,
  NonNullable<EngramConfig['ranking']>
>

const file = argument('file') ?? fileURLToPath(new URL('./fixtures/recall-dev-set.json', import.meta.url))
const embedders = (argument('embedders') ?? 'default').split(',')
const chosen = argument('rankings')?.split(',')
const budgets = argument('budgets') === 'none' ? [] : [1000, 2000, 4000]
const rankings = chosen === undefined ? RANKINGS : Object.fromEntries(chosen.map((name) => [name, RANKINGS[name]!]))

const embedderConfig = (name: string): EngramConfig =>
  name === 'default' ? {} : ({ embedder: { provider: 'local', config: { model: name } } } as EngramConfig)

/** Exact cosine over every stored turn: the baseline. */
async function exactCosine(
  dataset: EvalDataset,
  config: EngramConfig,
  budgets: number[],
): Promise<{ overall: EvalFigures; categories: Record<string, EvalFigures> }> {
  const embedder = await createEmbedder(resolveConfig({ ...config, dataDir: '/nonexistent' }, readEnv()).embedder)
  try {
    const scored = []
    for (const conversation of dataset.conversations) {
      const turns = conversation.sessions.flatMap((session) => session.turns)
      const vectors: Vector[] = []
      for (let at = 0; at < turns.length; at += 64)
        vectors.push(
          ...(await embedder.embed(
            turns.slice(at, at + 64).map((turn) => turn.text),
            'document',
          )),
        )
      for (const question of conversation.questions.filter((item) => item.evidenceKeys.length > 0)) {
        const [query] = await embedder.embed([question.question], 'query')
        const order = turns
          .map((turn, index) => ({ turn, similarity: vectors[index]!.reduce((sum, value, i) => sum + value * query![i]!, 0) }))
          .sort((a, b) => b.similarity - a.similarity)
        const covered = order.map(({ turn }) => [turn.evidenceKey])
        const figures = questionFigures(
          { covered: covered.slice(0, 10), evidence: question.evidenceKeys },
          { covered, evidence: question.evidenceKeys },
          order.map(({ turn }) => countTokens(turn.text)),
          budgets,
        )
        scored.push({ category: question.category, figures })
      }
    }
    return summarize(scored)
  } finally {
    await embedder.close()
  }
}

const pct = (value: number) => (100 * value).toFixed(1)

function table(rows: Array<[string, { overall: EvalFigures; categories: Record<string, EvalFigures> }]>): string {
  const categories = Object.keys(rows[0]![1].categories)
  const lines = [
    `| ranking | ${categories.map((category) => `${category} R@10`).join(' | ')} | all R@1 | all R@5 | all R@10 | all MRR | all R@2k |`,
    `|---|${categories.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|`,
  ]
  for (const [name, figures] of rows) {
    lines.push(
      `| ${name} | ${categories.map((category) => pct(figures.categories[category]!.recallAt10)).join(' | ')} | ${pct(figures.overall.recallAt1)} | ${pct(figures.overall.recallAt5)} | ${pct(figures.overall.recallAt10)} | ${pct(figures.overall.mrr)} | ${figures.overall.budgetRecall['2000'] === undefined ? '–' : pct(figures.overall.budgetRecall['2000'])} |`,
    )
  }
  return lines.join('\n')
}

const dataset = await loadEvalFile(file)
const results: Record<string, unknown> = {}
for (const name of embedders) {
  const config = embedderConfig(name)
  const cosine = await exactCosine(dataset, config, budgets)
  const report = await runEval(dataset, {
    config,
    rankings,
    budgets,
    onProgress: ({ phase, done, total }) => done % 100 === 0 && console.error(`${name}: ${phase} ${done}/${total}`),
  })
  const rows: Array<[string, { overall: EvalFigures; categories: Record<string, EvalFigures> }]> = [
    ['exact cosine', cosine],
    ...Object.entries(report.rankings),
  ]
  console.log(`\n### ${name} (${report.memories} memories, ${report.questions} questions)\n\n${table(rows)}\n`)
  for (const [ranking, figures] of Object.entries(report.rankings))
    console.log(`${ranking}: search p50 ${figures.latencyMs.p50.toFixed(1)} ms, p95 ${figures.latencyMs.p95.toFixed(1)} ms`)
  results[name] = {
    memories: report.memories,
    questions: report.questions,
    exactCosine: cosine,
    rankings: Object.fromEntries(Object.entries(report.rankings).map(([key, { results: _, ...rest }]) => [key, rest])),
  }
}
writeFileSync(
  argument('out') ?? fileURLToPath(new URL('./results/recall.json', import.meta.url)),
  `${JSON.stringify({ file: 'bench/fixtures/recall-dev-set.json', results }, null, 2)}\n`,
)
