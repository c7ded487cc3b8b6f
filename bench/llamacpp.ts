/**
 * What the fully offline path costs: the demo conversation added through both pipelines with the
 * llamacpp provider and SmolLM2-135M-Instruct (CPU). Per add: seconds and tokens; per step: prompt
 * and completion tokens as the model's own tokenizer counts them; for the process: peak RSS.
 *
 *   npx tsx bench/llamacpp.ts [--runs N]      (needs `npx engram fetch-model --llm`)
 *
 * Each run adds the conversation to a fresh, empty Memory, so every run does the same work; the
 * model is loaded once. Writes bench/results/llamacpp.json and bench/results/llamacpp.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { defaultThreads, LlamaCppLLM } from '../src/adapters/llamacpp/llamacpp-llm.js'
import { defaultLocalLLMPath } from '../src/adapters/llamacpp/model-file.js'
import { defaultModelDir } from '../src/adapters/local/model-files.js'
import { DEMO_CONVERSATION } from '../src/cli/commands/demo.js'
import { Memory } from '../src/memory.js'
import type { ChatRequest, LLM } from '../src/ports.js'
import { RESULTS_DIR, recordResult } from './lib/results.js'

interface StepCall {
  step: string
  promptTokens: number
  completionTokens: number
  seconds: number
}

interface Run {
  seconds: number
  calls: StepCall[]
  facts: number
  relations: number
  errors: number
}

const COMMAND = 'npx tsx bench/llamacpp.ts'
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } })
const runs = Number(values.runs)

const result = await recordResult(`llamacpp`, `${COMMAND} --runs ${runs}`, async () => {
  const loadStarted = performance.now()
  const llm = await LlamaCppLLM.open({ modelPath: defaultLocalLLMPath() })
  const loadSeconds = (performance.now() - loadStarted) / 1000
  const measured: Run[] = []
  try {
    for (let run = 0; run < runs; run += 1) measured.push(await addOnce(llm))
  } finally {
    await llm.close()
  }
  return {
    model: llm.model,
    threads: defaultThreads(),
    contextSize: 4096,
    loadSeconds: round(loadSeconds),
    runs: measured,
    perAdd: {
      secondsMedian: round(median(measured.map((run) => run.seconds))),
      calls: median(measured.map((run) => run.calls.length)),
      promptTokens: median(measured.map((run) => sum(run.calls, 'promptTokens'))),
      completionTokens: median(measured.map((run) => sum(run.calls, 'completionTokens'))),
    },
    perStep: perStep(measured.flatMap((run) => run.calls)),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }
})

writeFileSync(join(RESULTS_DIR, 'llamacpp.md'), markdown(result.data, result.date, result.loadAverage))

/** One add of the demo conversation into a fresh Memory, every LLM call observed. */
async function addOnce(llm: LlamaCppLLM): Promise<Run> {
  const calls: StepCall[] = []
  const observed: LLM = {
    model: llm.model,
    chat: async (request: ChatRequest) => {
      const started = performance.now()
      const response = await llm.chat(request)
      calls.push({
        step: request.toolChoice.type === 'tool' ? request.toolChoice.name : 'update_graph',
        promptTokens: response.usage?.promptTokens ?? 0,
        completionTokens: response.usage?.completionTokens ?? 0,
        seconds: round((performance.now() - started) / 1000),
      })
      return response
    },
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-bench-llamacpp-'))
  const memory = await Memory.create(
    {
      dataDir,
      vectorStore: { provider: 'sqlite' },
      graphStore: { provider: 'sqlite' },
      embedder: { provider: 'local', config: { modelDir: process.env.ENGRAM_MODEL_DIR ?? defaultModelDir() } },
    },
    { llm: observed },
  )
  try {
    const started = performance.now()
    const added = await memory.add(DEMO_CONVERSATION, { userId: 'alice' })
    const seconds = (performance.now() - started) / 1000
    return { seconds: round(seconds), calls, facts: added.results.length, relations: added.relations.added.length, errors: added.errors?.length ?? 0 }
  } finally {
    await memory.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

function perStep(calls: StepCall[]): Record<string, { calls: number; promptTokensMedian: number; completionTokensMedian: number; secondsMedian: number }> {
  const steps = [...new Set(calls.map((call) => call.step))]
  return Object.fromEntries(
    steps.map((step) => {
      const of = calls.filter((call) => call.step === step)
      return [
        step,
        {
          calls: of.length,
          promptTokensMedian: median(of.map((call) => call.promptTokens)),
          completionTokensMedian: median(of.map((call) => call.completionTokens)),
          secondsMedian: round(median(of.map((call) => call.seconds))),
        },
      ]
    }),
  )
}

type Data = typeof result.data

function markdown(data: Data, date: string, load: { before: number; after: number }): string {
  const steps = Object.entries(data.perStep).map(
    ([step, s]) => `| ${step} | ${s.calls} | ${s.promptTokensMedian} | ${s.completionTokensMedian} | ${s.secondsMedian} |`,
  )
  return [
    '## Fully offline: llamacpp with SmolLM2-135M-Instruct',
    '',
    `\`${COMMAND} --runs ${data.runs.length}\` on ${date.slice(0, 10)}, ${result.machine.cpu} (${result.machine.cores} cores, ` +
      `${result.machine.memoryGiB} GiB), ${result.machine.platform}, Node ${result.machine.node}; load average ${load.before} → ${load.after}. ` +
      `Model ${data.model} (Q4_1 GGUF, CPU only, ${data.threads} thread(s), context ${data.contextSize}); embedded SQLite stores, local embedder.`,
    '',
    `The demo conversation (3 messages) added ${data.runs.length} times, each into an empty Memory, so every add does the same work.`,
    '',
    '| per add (median) | value |',
    '|---|---|',
    `| seconds | ${data.perAdd.secondsMedian} |`,
    `| LLM calls | ${data.perAdd.calls} |`,
    `| prompt tokens | ${data.perAdd.promptTokens} |`,
    `| completion tokens | ${data.perAdd.completionTokens} |`,
    '',
    '| step | calls (all runs) | prompt tokens (median) | completion tokens (median) | seconds (median) |',
    '|---|---|---|---|---|',
    ...steps,
    '',
    `Facts stored / relations added / stage errors per run: ${data.runs.map((run) => `${run.facts}/${run.relations}/${run.errors}`).join(', ')} ` +
      '(what the tiny model answers is not judged here).',
    "A step's seconds include waiting for the other pipeline's call: the model answers one call at a time.",
    `Model load: ${data.loadSeconds} s. Peak RSS of the process (model, context, embedder, stores): ${data.peakRssMiB} MiB.`,
    `Tokens are counted with the model's own tokenizer: the whole rendered prompt (chat template, instructions, tool description) and every generated token.`,
    '',
  ].join('\n')
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function sum(calls: StepCall[], key: 'promptTokens' | 'completionTokens'): number {
  return calls.reduce((total, call) => total + call[key], 0)
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
