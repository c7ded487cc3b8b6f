/**
 * Renders the tables of BENCHMARKS.md (between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`)
 * and bench/results/search-latency.svg from the result files: full results where present, else
 * quick ones. Run by bench/run.ts; on its own: npx tsx bench/report.ts
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { OverheadResult } from './add-overhead.js'
import type { EmbedderResult } from './embedder.js'
import { lineChart, type Series } from './lib/chart.js'
import { readResult, type ResultFile, RESULTS_DIR } from './lib/results.js'
import type { Summary } from './lib/stats.js'
import type { EconomyResult } from './llm-economy.js'
import type { ScaleResult } from './search-latency.js'
import type { ThroughputResult } from './throughput.js'

const BENCHMARKS = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))
const BACKENDS = [
  ['embedded', 'embedded (SQLite)'],
  ['neo4j-weaviate', 'Neo4j + Weaviate'],
] as const

/** The full result if there is one, else the quick one. */
function latest<T>(name: string): ResultFile<T> | undefined {
  return readResult<T>(name) ?? readResult<T>(`quick/${name}`)
}

const ms = (value: number): string => `${value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 2 : 1 })} ms`
const spread = (summary: Summary): string => `${ms(summary.p50)} / ${ms(summary.p95)}`
const num = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 2 })

function provenance(...files: Array<ResultFile<unknown> | undefined>): string {
  const present = files.filter((file): file is ResultFile<unknown> => file !== undefined)
  const first = present[0]
  if (first === undefined) return '_Not measured yet: run the command above._'
  const loads = present.flatMap((file) => [file.loadAverage.before, file.loadAverage.after])
  const { machine } = first
  return (
    `_Measured with \`${first.command}\` on ${first.date.slice(0, 10)}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ` +
    `Node ${machine.node.replace(/^v/, '')}, ${machine.platform}; 1-minute load average ${Math.min(...loads)}–${Math.max(...loads)} during the run._` +
    (present.some((file) => file.partial) ? ' **Partial: the run was stopped before this benchmark finished.**' : '')
  )
}

/** `graph.traverse 12 ms, vectorStore.search 8 ms, …`, largest first. */
function breakdown(times: Record<string, number>): string {
  return Object.entries(times)
    .sort(([, a], [, b]) => b - a)
    .map(([method, value]) => `\`${method}\` ${ms(value)}`)
    .join(', ')
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n')
}

function economySection(): string {
  const file = latest<EconomyResult>('llm-economy')
  if (file === undefined) return provenance()
  const { data } = file
  const on = data.graphOn
  const off = data.graphOff
  const before = data.separateAlways
  const dist = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([value, count]) => `${value}: ${count}`)
      .join(', ')
  const passes = [on, before, off]
  const tokens = (summary: Summary) => `${num(summary.mean)} / ${num(summary.p50)} / ${num(summary.p95)}`
  const summaryRows = [
    ['LLM calls per add, mean', ...passes.map((pass) => num(pass.callsPerAdd.mean))],
    ['LLM calls per add, distribution (calls: adds)', ...passes.map((pass) => dist(pass.callsPerAdd.distribution))],
    ['sequential round trips per add, mean / max', ...passes.map((pass) => `${num(pass.roundTrips.mean)} / ${pass.roundTrips.max}`)],
    ['prompt tokens per add, mean / p50 / p95', ...passes.map((pass) => tokens(pass.promptTokensPerAdd))],
    ['completion tokens per add, mean / p50 / p95', ...passes.map((pass) => tokens(pass.completionTokensPerAdd))],
    ['corrective retries', ...passes.map((pass) => String(pass.retries))],
    ['LLM calls per search', `${data.callsPerSearch.calls} in ${data.callsPerSearch.searches} searches`, '', ''],
  ]
  const stepRows = Object.entries(on.steps)
    .filter(([, figures]) => figures.calls > 0)
    .map(([step, figures]) => [`\`${step}\``, `${figures.addsCalling} of ${on.adds}`, num(figures.promptTokensMean), num(figures.completionTokensMean)])
  return [
    provenance(file),
    '',
    `${data.conversations} conversations in ${data.scopes} scopes, ${data.messagesPerConversation.mean} messages on average (2–${data.messagesPerConversation.max}).`,
    '',
    table(['per add', 'graph on (default)', 'graph on, `extraction: "separate"`, `updateOn: "touch"`', 'graph off'], summaryRows),
    '',
    'Per step, graph on (default):',
    '',
    table(['step', 'adds that call it', 'prompt tokens per call', 'completion tokens per call'], stepRows),
    '',
    `What the adds did: ${on.events.ADD} memories added, ${on.events.UPDATE} updated, ${on.events.DELETE} deleted; ` +
      `${on.events.relationsAdded} relations added, ${on.events.relationsUpdated} reinforced, ${on.events.relationsInvalidated} invalidated. ` +
      `Of the \`update_memory\` calls, ${on.callsThatOnlyAdded.updateMemory} of ${on.steps.update_memory?.calls} only added facts; ` +
      `of the graph-update calls, ${on.callsThatOnlyAdded.updateGraph} of ${on.steps.update_graph?.calls} changed no existing relation (only add_relation or noop). ` +
      (JSON.stringify(before.events) === JSON.stringify(on.events)
        ? 'The same adds with `extraction: "separate"` and `updateOn: "touch"` made exactly the same changes: the skipped graph-update calls had nothing to decide.'
        : `With \`extraction: "separate"\` and \`updateOn: "touch"\` the same adds made different changes: ${JSON.stringify(before.events)}.`),
  ].join('\n')
}

function overheadSection(): string {
  const files = BACKENDS.map(([slug, label]) => [label, latest<OverheadResult>(`add-overhead-${slug}`)] as const)
  const rows = files.flatMap(([label, file]) =>
    file === undefined
      ? []
      : [
          [
            label,
            String(file.data.timedAdds),
            spread(file.data.overheadMs),
            spread(file.data.wallMs),
            spread(file.data.embeddingModelMs),
            num(file.data.llmCallsPerAdd),
            `${num(file.data.factsPerAdd)} / ${num(file.data.relationsPerAdd)}`,
          ],
        ],
  )
  return [
    provenance(...files.map(([, file]) => file)),
    '',
    table(
      [
        'backend',
        'timed adds',
        "Engram's overhead p50 / p95",
        'add wall time p50 / p95 (instant LLM)',
        'embedding model per add p50 / p95 (not included)',
        'LLM calls per add',
        'memory events / relation events per add',
      ],
      rows,
    ),
    '',
    ...files.flatMap(([label, file]) =>
      file?.data.storeMsPerAdd === undefined
        ? []
        : [`Time inside store methods per add, ${label} (mean; the pipelines' calls overlap): ${breakdown(file.data.storeMsPerAdd)}.`, ''],
    ),
    ...files.flatMap(([label, file]) => {
      const byRound = file?.data.overheadP50ByRound
      if (byRound === undefined || !file?.data.warmUpRounds) return []
      const rounds = byRound.map((p50, index) => `${ms(p50)}${index < file.data.warmUpRounds! ? ' (untimed)' : ''}`)
      return [`Overhead p50 round by round, ${label}, from servers just started: ${rounds.join(', ')}.`, '']
    }),
  ].join('\n')
}

function searchSection(): string {
  const files = BACKENDS.map(([slug, label]) => [label, latest<ScaleResult>(`search-scaling-${slug}`)] as const)
  const rows = files.flatMap(([label, file]) =>
    (file?.data.points ?? []).map((point) => [
      label,
      num(point.memories),
      `${num(point.entities)} / ${num(point.relations)}`,
      spread(point.searchMs),
      num(point.relationsPerSearch),
      spread(point.entityResolutionMs),
      `${num(point.loadSeconds.memories)} s + ${num(point.loadSeconds.graph)} s`,
    ]),
  )
  writeChart(files.flatMap(([label, file]) => (file === undefined ? [] : [[label, file.data] as const])))
  return [
    provenance(...files.map(([, file]) => file)),
    '',
    table(
      [
        'backend',
        'memories in scope',
        'entities / relations',
        'search p50 / p95',
        'relations per search',
        'entity resolution p50 / p95',
        'load time (memories + graph, cumulative step)',
      ],
      rows,
    ),
    '',
    'Time inside store methods per search (mean; the fact and graph sides run side by side):',
    '',
    ...files.flatMap(([label, file]) =>
      (file?.data.points ?? []).map((point) => `- ${label}, ${num(point.memories)} memories: ${breakdown(point.storeMsPerSearch ?? {})}`),
    ),
    '',
    '![Search latency against store size](bench/results/search-latency.svg)',
  ].join('\n')
}

function writeChart(results: ReadonlyArray<readonly [string, ScaleResult]>): void {
  if (results.length === 0) return
  const colors = ['#1f77b4', '#d62728']
  const series: Series[] = results.flatMap(([label, result], index) => [
    { label: `${label} search p50`, color: colors[index]!, points: result.points.map((point) => ({ x: point.memories, y: point.searchMs.p50 })) },
    { label: `${label} search p95`, color: colors[index]!, dashed: true, points: result.points.map((point) => ({ x: point.memories, y: point.searchMs.p95 })) },
    {
      label: `${label} entity resolution p50`,
      color: index === 0 ? '#2ca02c' : '#9467bd',
      points: result.points.map((point) => ({ x: point.memories, y: point.entityResolutionMs.p50 })),
    },
  ])
  writeFileSync(
    `${RESULTS_DIR}search-latency.svg`,
    lineChart('Search (hops=2) and entity resolution vs. store size', 'memories in the scope (log scale)', 'milliseconds (log scale)', series),
  )
}

function throughputSection(): string {
  const files = BACKENDS.map(([slug, label]) => [label, latest<ThroughputResult>(`throughput-${slug}`)] as const)
  const rows = files.flatMap(([label, file]) =>
    (file?.data.rows ?? []).map((row) => [
      label,
      String(row.scopes),
      `${num(row.importMemoriesPerSecond)} (${num(row.importedMemories)} memories)`,
      `${num(row.addsPerSecond)} (${row.adds} adds)`,
    ]),
  )
  return [
    provenance(...files.map(([, file]) => file)),
    '',
    table(['backend', 'concurrent scopes', '`infer:false` import, memories/s', '`infer:true` adds/s (instant LLM)'], rows),
  ].join('\n')
}

function footprintSection(): string {
  const files = BACKENDS.map(([slug, label]) => [label, latest<ScaleResult>(`search-scaling-${slug}`)] as const)
  const rows = files.flatMap(([label, file]) => {
    if (file === undefined) return []
    const { footprint } = file.data
    const services =
      footprint.servicesRssMiB === undefined
        ? '—'
        : Object.entries(footprint.servicesRssMiB)
            .map(([name, value]) => `${name.split(' ')[0]} ${num(value)} MiB`)
            .join(', ')
    const disk =
      footprint.diskMiB === undefined
        ? '— (in the servers)'
        : `${num(footprint.diskMiB.perThousandMemories)} MiB (memories ${num(footprint.diskMiB.memories)} MiB + graph ${num(footprint.diskMiB.graph)} MiB in all)`
    return [
      [
        label,
        num(footprint.memories),
        `${num(footprint.nodeRssMiB.afterLoad)} MiB (${num(footprint.nodeRssMiB.beforeLoad)} MiB before loading)`,
        services,
        disk,
      ],
    ]
  })
  return [
    provenance(...files.map(([, file]) => file)),
    '',
    table(['backend', 'memories in scope', 'Node process RSS after load and searches', 'service processes RSS', 'on disk per 1k memories'], rows),
  ].join('\n')
}

function embedderSection(): string {
  const file = latest<EmbedderResult>('embedder')
  if (file === undefined) return provenance()
  const { data } = file
  return [
    provenance(file),
    '',
    table(
      ['step', 'p50 / p95'],
      [
        ['open (load ONNX model and tokenizer)', spread(data.openMs)],
        ['one query', spread(data.oneQueryMs)],
        ['32 short sentences', `${spread(data.batchOf32Ms)} (${num(data.textsPerSecond)} texts/s)`],
      ],
    ),
  ].join('\n')
}

interface Target {
  claim: string
  measured: string
  met: boolean | undefined
}

function targetsSection(): string {
  const economy = latest<EconomyResult>('llm-economy')?.data
  const overhead = Object.fromEntries(BACKENDS.map(([slug]) => [slug, latest<OverheadResult>(`add-overhead-${slug}`)?.data]))
  const search = Object.fromEntries(BACKENDS.map(([slug]) => [slug, latest<ScaleResult>(`search-scaling-${slug}`)?.data]))
  const at = (slug: string, size: number) => search[slug]?.points.find((point) => point.memories === size)
  // Search figures leave out the query's embedding (the model's own time, its own section): shown beside them.
  const embedder = latest<EmbedderResult>('embedder')?.data
  const searchP95 = (slug: string, size: number) => {
    const point = at(slug, size)
    if (point === undefined) return '—'
    const embedding = embedder === undefined ? '' : ` (+ ${ms(embedder.oneQueryMs.p95)} p95 to embed the query with ${embedder.model})`
    return `${ms(point.searchMs.p95)}${embedding}`
  }
  const targets: Target[] = [
    {
      claim: 'LLM calls per add ≤ 2.5 (mean, graph on)',
      measured: economy ? num(economy.graphOn.callsPerAdd.mean) : '—',
      met: economy && economy.graphOn.callsPerAdd.mean <= 2.5,
    },
    {
      claim: 'sequential LLM round trips per add ≤ 2',
      measured: economy ? `max ${economy.graphOn.roundTrips.max}` : '—',
      met: economy && economy.graphOn.roundTrips.max <= 2,
    },
    { claim: 'LLM calls per search = 0', measured: economy ? String(economy.callsPerSearch.calls) : '—', met: economy && economy.callsPerSearch.calls === 0 },
    {
      claim: "Engram's overhead per add, embedded, p50 ≤ 20 ms",
      measured: overhead.embedded ? ms(overhead.embedded.overheadMs.p50) : '—',
      met: overhead.embedded && overhead.embedded.overheadMs.p50 <= 20,
    },
    {
      claim: "Engram's overhead per add, Neo4j + Weaviate, p50 ≤ 60 ms",
      measured: overhead['neo4j-weaviate'] ? ms(overhead['neo4j-weaviate'].overheadMs.p50) : '—',
      met: overhead['neo4j-weaviate'] && overhead['neo4j-weaviate'].overheadMs.p50 <= 60,
    },
    {
      claim: 'search p95 at 10k memories, embedded, ≤ 50 ms',
      measured: searchP95('embedded', 10_000),
      met: at('embedded', 10_000) && at('embedded', 10_000)!.searchMs.p95 <= 50,
    },
    {
      claim: 'search p95 at 100k memories, Neo4j + Weaviate, ≤ 100 ms',
      measured: searchP95('neo4j-weaviate', 100_000),
      met: at('neo4j-weaviate', 100_000) && at('neo4j-weaviate', 100_000)!.searchMs.p95 <= 100,
    },
    ...BACKENDS.map(([slug, label]): Target => {
      const points = search[slug]?.points ?? []
      const first = points[0]
      const last = points.at(-1)
      if (first === undefined || last === undefined || first === last)
        return { claim: `entity resolution flat with store size, ${label}`, measured: '—', met: undefined }
      const growth = last.entityResolutionMs.p50 / first.entityResolutionMs.p50
      return {
        claim: `entity resolution flat with store size, ${label} (p50 grows < 2× while the store grows ${num(last.memories / first.memories)}×)`,
        measured: `${ms(first.entityResolutionMs.p50)} → ${ms(last.entityResolutionMs.p50)} (${num(growth)}×)`,
        met: growth < 2,
      }
    }),
  ]
  return table(
    ['target', 'measured', 'met?'],
    targets.map((target) => [target.claim, target.measured, target.met === undefined ? 'not measured' : target.met ? 'yes' : '**no**']),
  )
}

const SECTIONS: Record<string, () => string> = {
  targets: targetsSection,
  economy: economySection,
  overhead: overheadSection,
  search: searchSection,
  throughput: throughputSection,
  footprint: footprintSection,
  embedder: embedderSection,
}

export function renderReport(): void {
  let text = readFileSync(BENCHMARKS, 'utf8')
  for (const [name, render] of Object.entries(SECTIONS)) {
    const pattern = new RegExp(`(<!-- bench:${name} -->)[\\s\\S]*?(<!-- /bench:${name} -->)`)
    if (!pattern.test(text)) throw new Error(`BENCHMARKS.md has no <!-- bench:${name} --> … <!-- /bench:${name} --> block`)
    const body = render()
    text = text.replace(pattern, (_match, open: string, close: string) => `${open}\n${body}\n${close}`)
  }
  writeFileSync(BENCHMARKS, text)
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) renderReport()
