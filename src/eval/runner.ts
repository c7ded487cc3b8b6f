import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { getEncoding } from 'js-tiktoken'
import { createLLM } from '../adapters/registry.js'
import { readEnv } from '../config/env.js'
import { LOCAL_EMBEDDING_MODELS } from '../adapters/local/embedding-models.js'
import { defaultCrowdingWeight, type ResolvedConfig, resolveConfig } from '../config/resolve.js'
import type { EngramConfig } from '../config/schema.js'
import { EngramError } from '../errors.js'
import { Memory } from '../memory.js'
import { DAY_MS } from '../retention.js'
import type { ChatRequest, ChatResponse, LLM } from '../ports.js'
import type { EvalConversation, EvalDataset, EvalQuestion } from './datasets.js'
import { mean, percentile, type RankedAnswer, recallAt, recallWithinBudget, reciprocalRank } from './metrics.js'

/** What is stored: every dialog turn, or (LoCoMo) the per-session observations. */
export type EvalUnit = 'turns' | 'observations'

export interface EvalOptions {
  /** Engram's configuration; `dataDir` is replaced by a fresh temporary folder, removed at the end. */
  config?: EngramConfig
  unit?: EvalUnit
  /** Store through the LLM pipelines (one add per turn) instead of verbatim (one add per session). */
  infer?: boolean
  /** Context budgets, in tokens, for budgeted recall. Default 1000, 2000, 4000; none: no budgeted recall (one search per question, not two). */
  budgets?: readonly number[]
  /**
   * Ranking settings to compare over the same stored data, by name: each searches every question
   * with `config.ranking` replaced by its settings. Default: one, "config", the configured ranking.
   */
  rankings?: Readonly<Record<string, EngramConfig['ranking']>>
  /** Called after each add and each question. */
  onProgress?: (progress: { phase: 'add' | 'search'; done: number; total: number }) => void
}

/** The figures of one set of questions (a category, or all). */
export interface EvalFigures {
  questions: number
  recallAt1: number
  recallAt5: number
  recallAt10: number
  mrr: number
  /** Recall within each context budget, keyed by the budget in tokens. */
  budgetRecall: Record<string, number>
}

/** One question's outcome, for the results file. */
export interface EvalQuestionResult {
  id: string
  category: string
  question: string
  evidence: string[]
  /** Evidence keys of the top 10, best first. */
  retrieved: string[][]
  recallAt10: number
  reciprocalRank: number
  latencyMs: number
}

export interface EvalRankingReport {
  ranking: NonNullable<EngramConfig['ranking']>
  overall: EvalFigures
  categories: Record<string, EvalFigures>
  /** Wall time of `search` with limit 10, query embedding included. */
  latencyMs: { p50: number; p95: number }
  results: EvalQuestionResult[]
}

export interface EvalReport {
  layout: EvalDataset['layout']
  unit: EvalUnit
  infer: boolean
  embedder: string
  conversations: number
  memories: number
  /** Questions with evidence, each scored; those without are skipped. */
  questions: number
  skipped: number
  adds: { count: number; wallMs: number; llmCalls: number; promptTokens: number; completionTokens: number }
  rankings: Record<string, EvalRankingReport>
}

/** Results a search returns for the recall figures; the budgets are filled from a deeper list, as deep as search goes. */
const TOP = 10
const DEEP = 1000
const DEFAULT_BUDGETS = [1000, 2000, 4000]

/**
 * Stores every conversation of the dataset in its own scope of a fresh temporary data dir (turns
 * or observations, verbatim unless `infer`), with each session's date as the memories' `observedAt`
 * and Engram's clock at that date, then asks every question with the clock at the time it is asked
 * (or a day after the last session) and scores the results against the question's evidence.
 */
export async function runEval(dataset: EvalDataset, options: EvalOptions = {}): Promise<EvalReport> {
  const unit = options.unit ?? 'turns'
  const infer = options.infer ?? false
  if (unit === 'observations' && infer) throw new EngramError('INVALID_INPUT', 'observations are stored verbatim: --infer applies to turns')
  if (unit === 'observations' && dataset.layout === 'longmemeval')
    throw new EngramError('INVALID_INPUT', 'the LongMemEval layout has no observations: store turns')
  const dataDir = await mkdtemp(join(tmpdir(), 'engram-eval-'))
  const clock = { now: new Date() }
  const resolved = resolveConfig({ ...options.config, dataDir }, readEnv())
  const llm = infer ? new CountingLLM(resolved.llm === null ? noLLM() : await createLLM(resolved.llm)) : undefined
  const open = (ranking?: EngramConfig['ranking']) =>
    Memory.create(
      { ...options.config, dataDir, ...(ranking !== undefined ? { ranking } : {}) },
      { clock: () => clock.now, ...(llm !== undefined ? { llm } : {}) },
    )
  const scored = dataset.conversations.map((conversation) => ({
    conversation,
    questions: conversation.questions.filter((question) => question.evidenceKeys.length > 0),
  }))
  const questionCount = scored.reduce((sum, { questions }) => sum + questions.length, 0)
  const rankings = options.rankings ?? { config: options.config?.ranking ?? {} }
  const addTotal = dataset.conversations.reduce((sum, conversation) => sum + addsOf(conversation, unit, infer), 0)
  const progress = options.onProgress ?? (() => {})
  const budgets = options.budgets ?? DEFAULT_BUDGETS
  try {
    const memory = await open()
    const keysByText = new Map<string, Map<string, Set<string>>>()
    const keysById = new Map<string, Set<string>>()
    let added = 0
    let memories = 0
    const addStart = performance.now()
    try {
      for (const conversation of dataset.conversations) {
        const byText = new Map<string, Set<string>>()
        keysByText.set(conversation.id, byText)
        for (const session of conversation.sessions) {
          if (session.date !== null) clock.now = session.date
          const dated = { userId: conversation.id, ...(session.date !== null ? { observedAt: session.date } : {}) }
          if (infer) {
            for (const turn of session.turns) {
              const result = await memory.add([{ role: 'user', name: turn.speaker, content: turn.text }], { ...dated, infer: true })
              for (const event of result.results) {
                if (event.event === 'DELETE') keysById.delete(event.id)
                else keysById.set(event.id, new Set([...(keysById.get(event.id) ?? []), turn.evidenceKey]))
              }
              progress({ phase: 'add', done: ++added, total: addTotal })
            }
            continue
          }
          const items =
            unit === 'turns'
              ? session.turns.map((turn) => ({ text: turn.text, keys: [turn.evidenceKey] }))
              : session.observations.map((item) => ({ text: item.text, keys: item.evidenceKeys }))
          for (const item of items) byText.set(item.text.trim(), new Set([...(byText.get(item.text.trim()) ?? []), ...item.keys]))
          if (items.length > 0)
            await memory.add(
              items.map((item) => ({ role: 'user' as const, content: item.text })),
              { ...dated, infer: false },
            )
          progress({ phase: 'add', done: ++added, total: addTotal })
        }
        memories += (await memory.getAll({ userId: conversation.id, limit: 100_000 })).results.length
      }
    } finally {
      await memory.close()
    }
    const addWallMs = performance.now() - addStart
    const coveredBy = (conversationId: string, result: { id: string; memory: string }): string[] => [
      ...(infer ? (keysById.get(result.id) ?? []) : (keysByText.get(conversationId)!.get(result.memory.trim()) ?? [])),
    ]
    const reports: Record<string, EvalRankingReport> = {}
    let asked = 0
    const askedTotal = questionCount * Object.keys(rankings).length
    for (const [name, ranking] of Object.entries(rankings)) {
      const searcher = await open(ranking)
      try {
        const results: Array<EvalQuestionResult & { figures: QuestionFigures }> = []
        for (const { conversation, questions } of scored) {
          for (const question of questions) {
            clock.now = askedAt(conversation, question)
            const started = performance.now()
            const top = await searcher.search(question.question, { userId: conversation.id, limit: TOP })
            const latencyMs = performance.now() - started
            // The deep list only fills the budgets: none asked, no second search.
            const deep = budgets.length === 0 ? top : await searcher.search(question.question, { userId: conversation.id, limit: DEEP })
            const answer = { covered: top.results.map((result) => coveredBy(conversation.id, result)), evidence: question.evidenceKeys }
            const deepAnswer = { covered: deep.results.map((result) => coveredBy(conversation.id, result)), evidence: question.evidenceKeys }
            const figures = questionFigures(
              answer,
              deepAnswer,
              deep.results.map((result) => countTokens(result.memory)),
              budgets,
            )
            results.push({
              id: question.id,
              category: question.category,
              question: question.question,
              evidence: question.evidenceKeys,
              retrieved: answer.covered,
              recallAt10: figures.recallAt10,
              reciprocalRank: figures.mrr,
              latencyMs,
              figures,
            })
            progress({ phase: 'search', done: ++asked, total: askedTotal })
          }
        }
        reports[name] = {
          ranking: effectiveRanking(resolveConfig({ ...options.config, dataDir, ...(ranking !== undefined ? { ranking } : {}) }, readEnv())),
          ...summarize(results),
          latencyMs: {
            p50: percentile(
              results.map((result) => result.latencyMs),
              0.5,
            ),
            p95: percentile(
              results.map((result) => result.latencyMs),
              0.95,
            ),
          },
          results: results.map(({ figures: _, ...result }) => result),
        }
      } finally {
        await searcher.close()
      }
    }
    return {
      layout: dataset.layout,
      unit,
      infer,
      embedder: describeEmbedder(resolved.embedder),
      conversations: dataset.conversations.length,
      memories,
      questions: questionCount,
      skipped: dataset.conversations.reduce((sum, conversation) => sum + conversation.questions.length, 0) - questionCount,
      adds: { count: added, wallMs: addWallMs, llmCalls: llm?.calls ?? 0, promptTokens: llm?.promptTokens ?? 0, completionTokens: llm?.completionTokens ?? 0 },
      rankings: reports,
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

/** The metrics of one question; `budgetRecall` keyed by budget. */
export type QuestionFigures = Omit<EvalFigures, 'questions'>

/** Scores one question: recall@k and MRR on the top results, budgeted recall on the deep list. */
export function questionFigures(top: RankedAnswer, deep: RankedAnswer, deepTokens: readonly number[], budgets: readonly number[]): QuestionFigures {
  return {
    recallAt1: recallAt(top, 1),
    recallAt5: recallAt(top, 5),
    recallAt10: recallAt(top, 10),
    mrr: reciprocalRank(top),
    budgetRecall: Object.fromEntries(budgets.map((budget) => [String(budget), recallWithinBudget(deep, deepTokens, budget)])),
  }
}

/** Means over all questions and per category (categories in code-unit order). */
export function summarize(results: ReadonlyArray<{ category: string; figures: QuestionFigures }>): {
  overall: EvalFigures
  categories: Record<string, EvalFigures>
} {
  const categories = [...new Set(results.map((result) => result.category))].sort()
  return {
    overall: average(results.map((result) => result.figures)),
    categories: Object.fromEntries(
      categories.map((category) => [category, average(results.filter((result) => result.category === category).map((result) => result.figures))]),
    ),
  }
}

function average(figures: readonly QuestionFigures[]): EvalFigures {
  const budgets = Object.keys(figures[0]?.budgetRecall ?? {})
  return {
    questions: figures.length,
    recallAt1: mean(figures.map((item) => item.recallAt1)),
    recallAt5: mean(figures.map((item) => item.recallAt5)),
    recallAt10: mean(figures.map((item) => item.recallAt10)),
    mrr: mean(figures.map((item) => item.mrr)),
    budgetRecall: Object.fromEntries(budgets.map((budget) => [budget, mean(figures.map((item) => item.budgetRecall[budget]!))])),
  }
}

const encoding = getEncoding('cl100k_base')

/** Tokens of a text as OpenAI's cl100k_base tokenizer counts them. */
export function countTokens(text: string): number {
  return encoding.encode(text).length
}

function addsOf(conversation: EvalConversation, unit: EvalUnit, infer: boolean): number {
  if (infer) return conversation.sessions.reduce((sum, session) => sum + session.turns.length, 0)
  return conversation.sessions.filter((session) => (unit === 'turns' ? session.turns : session.observations).length > 0).length
}

/** When a question is asked: its own date, else a day after the conversation's last dated session, else now. */
function askedAt(conversation: EvalConversation, question: EvalQuestion): Date {
  if (question.askedAt !== null) return question.askedAt
  const last = Math.max(...conversation.sessions.map((session) => session.date?.getTime() ?? Number.NEGATIVE_INFINITY))
  return Number.isFinite(last) ? new Date(last + DAY_MS) : new Date()
}

/** "local", "local bge-small-en-v1.5", "openai text-embedding-3-small": the provider and its model when named. */
/** The ranking a search runs with, the embedder's default crowding weight filled in when none is configured. */
function effectiveRanking(resolved: ResolvedConfig): Required<ResolvedConfig['ranking']> {
  const { embedder, ranking } = resolved
  // Only local models have a default weight of their own; any other embedder's is 0.
  const tag = embedder.provider === 'local' ? LOCAL_EMBEDDING_MODELS[embedder.config.model!].tag : ''
  return { ...ranking, crowdingWeight: ranking.crowdingWeight ?? defaultCrowdingWeight(tag) }
}

function describeEmbedder(embedder: { provider: string; config?: unknown }): string {
  const model = (embedder.config as { model?: unknown } | undefined)?.model
  return typeof model === 'string' ? `${embedder.provider} ${model}` : embedder.provider
}

function noLLM(): never {
  throw new EngramError('INVALID_CONFIG', '--infer stores through the LLM pipelines: configure an LLM (llm in the config, or OPENAI_API_KEY)')
}

/** Counts an LLM's calls and the tokens its replies report. */
class CountingLLM implements LLM {
  calls = 0
  promptTokens = 0
  completionTokens = 0
  readonly model: string
  readonly vision?: boolean

  constructor(readonly inner: LLM) {
    this.model = inner.model
    if (inner.vision !== undefined) this.vision = inner.vision
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const response = await this.inner.chat(request)
    this.calls += 1
    this.promptTokens += response.usage?.promptTokens ?? 0
    this.completionTokens += response.usage?.completionTokens ?? 0
    return response
  }
}
