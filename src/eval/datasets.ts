import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { EngramError } from '../errors.js'

/*
 * The two public layouts of long-conversation memory benchmarks, read into one shape: conversations
 * (each one scope) made of dated sessions of turns, with questions whose evidence names the turns
 * (LoCoMo: dialog ids) or the sessions (LongMemEval: answer session ids) that answer them.
 */

/** One utterance, stored as one memory when turns are stored. */
export interface EvalTurn {
  /** Evidence key: the dialog id (LoCoMo) or the session id (LongMemEval). */
  evidenceKey: string
  speaker: string
  text: string
}

/** A short statement distilled from a session, citing the turns it comes from (LoCoMo `observation`). */
export interface EvalObservation {
  text: string
  evidenceKeys: string[]
}

export interface EvalSession {
  id: string
  /** When the session took place; null when the file gives no date it can read. */
  date: Date | null
  turns: EvalTurn[]
  observations: EvalObservation[]
}

export interface EvalQuestion {
  id: string
  question: string
  answer: string
  category: string
  /** Keys of the turns (or sessions) that answer it; a question without any is not scored. */
  evidenceKeys: string[]
  /** When the question is asked; null: just after the last session. */
  askedAt: Date | null
}

/** One scope's sessions and the questions asked of them. */
export interface EvalConversation {
  id: string
  sessions: EvalSession[]
  questions: EvalQuestion[]
}

export type EvalLayout = 'locomo' | 'longmemeval'

export interface EvalDataset {
  layout: EvalLayout
  conversations: EvalConversation[]
}

const text = z.string()
const evidenceIds = z.union([z.string(), z.array(z.string())]).transform((ids) => (typeof ids === 'string' ? [ids] : ids))

const locomoTurn = z.object({ dia_id: z.string(), speaker: z.string(), text }).passthrough()

/** One LoCoMo sample: `conversation` holds `session_N` turn lists and `session_N_date_time` strings. */
export const locomoSampleSchema = z
  .object({
    sample_id: z.union([z.string(), z.number()]).transform(String),
    conversation: z.record(z.string(), z.unknown()),
    observation: z.record(z.string(), z.record(z.string(), z.array(z.tuple([text, evidenceIds]).rest(z.unknown())))).optional(),
    qa: z.array(
      z
        .object({
          question: text,
          answer: z.union([text, z.number()]).transform(String).optional(),
          adversarial_answer: text.optional(),
          evidence: z.array(z.string()).default([]),
          category: z.union([z.string(), z.number()]).transform(String),
        })
        .passthrough(),
    ),
  })
  .passthrough()

export const locomoFileSchema = z.array(locomoSampleSchema)

/** One LongMemEval question with its own haystack of sessions. */
export const longMemEvalQuestionSchema = z
  .object({
    question_id: z.union([z.string(), z.number()]).transform(String),
    question_type: z.string(),
    question: text,
    answer: z.union([text, z.number()]).transform(String),
    question_date: z.string().optional(),
    haystack_dates: z.array(z.string()),
    haystack_session_ids: z.array(z.union([z.string(), z.number()]).transform(String)),
    haystack_sessions: z.array(z.array(z.object({ role: z.string(), content: text }).passthrough())),
    answer_session_ids: z.array(z.union([z.string(), z.number()]).transform(String)),
  })
  .passthrough()
  .refine(
    (value) => value.haystack_sessions.length === value.haystack_session_ids.length && value.haystack_dates.length === value.haystack_session_ids.length,
    {
      message: 'haystack_sessions, haystack_session_ids and haystack_dates must have the same length',
    },
  )

export const longMemEvalFileSchema = z.array(longMemEvalQuestionSchema)

/**
 * Reads a benchmark file in either layout, told apart by its first entry (`conversation` and `qa`:
 * LoCoMo; `haystack_sessions`: LongMemEval).
 *
 * @throws EngramError INVALID_INPUT for a file that is not JSON or fits neither layout.
 */
export async function loadEvalFile(path: string): Promise<EvalDataset> {
  let data: unknown
  try {
    data = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new EngramError('INVALID_INPUT', `${path} is not a JSON file: ${(error as Error).message}`)
  }
  return parseEvalData(data, path)
}

/** {@link loadEvalFile} for data already parsed; `source` names it in errors. */
export function parseEvalData(data: unknown, source = 'the data'): EvalDataset {
  const first = Array.isArray(data) ? (data[0] as Record<string, unknown> | undefined) : undefined
  if (first !== undefined && typeof first === 'object' && 'haystack_sessions' in first) {
    return { layout: 'longmemeval', conversations: parsed(longMemEvalFileSchema, data, source).map(fromLongMemEval) }
  }
  if (first !== undefined && typeof first === 'object' && 'conversation' in first) {
    return { layout: 'locomo', conversations: parsed(locomoFileSchema, data, source).map(fromLocomo) }
  }
  throw new EngramError(
    'INVALID_INPUT',
    `${source} is neither the LoCoMo layout (a list of samples with conversation and qa) nor the LongMemEval layout (a list of questions with haystack_sessions)`,
  )
}

function parsed<T extends z.ZodType>(schema: T, data: unknown, source: string): z.output<T> {
  const result = schema.safeParse(data)
  if (!result.success) {
    const issue = result.error.issues[0]!
    throw new EngramError('INVALID_INPUT', `${source}: ${issue.path.join('.')}: ${issue.message}`)
  }
  return result.data
}

const SESSION_KEY = /^session_(\d+)$/

function fromLocomo(sample: z.output<typeof locomoSampleSchema>): EvalConversation {
  const numbers = Object.keys(sample.conversation)
    .map((key) => SESSION_KEY.exec(key)?.[1])
    .filter((number): number is string => number !== undefined)
    .map(Number)
    .sort((a, b) => a - b)
  const sessions = numbers.map((number): EvalSession => {
    const where = `sample ${sample.sample_id} session_${number}`
    const turns = z.array(locomoTurn).safeParse(sample.conversation[`session_${number}`])
    if (!turns.success) throw new EngramError('INVALID_INPUT', `${where}: each turn needs dia_id, speaker and text`)
    const dated = sample.conversation[`session_${number}_date_time`]
    const observations = Object.values(sample.observation?.[`session_${number}_observation`] ?? {}).flatMap((bySpeaker) =>
      bySpeaker.map(([statement, keys]) => ({ text: statement, evidenceKeys: keys })),
    )
    return {
      id: `session_${number}`,
      date: typeof dated === 'string' ? parseSessionDate(dated) : null,
      turns: turns.data.map((turn) => ({ evidenceKey: turn.dia_id, speaker: turn.speaker, text: turn.text })),
      observations,
    }
  })
  return {
    id: sample.sample_id,
    sessions,
    questions: sample.qa.map((qa, index) => ({
      id: `${sample.sample_id}-q${index}`,
      question: qa.question,
      answer: qa.answer ?? qa.adversarial_answer ?? '',
      category: qa.category,
      // LoCoMo cites some evidence as "D8:6; D9:17" in one string.
      evidenceKeys: qa.evidence.flatMap((ids) => ids.split(/[;,\s]+/)).filter((id) => id.length > 0),
      askedAt: null,
    })),
  }
}

function fromLongMemEval(entry: z.output<typeof longMemEvalQuestionSchema>): EvalConversation {
  return {
    id: entry.question_id,
    sessions: entry.haystack_sessions.map((turns, index) => {
      const id = entry.haystack_session_ids[index]!
      return {
        id,
        date: parseSessionDate(entry.haystack_dates[index]!),
        turns: turns.map((turn) => ({ evidenceKey: id, speaker: turn.role, text: turn.content })),
        observations: [],
      }
    }),
    questions: [
      {
        id: entry.question_id,
        question: entry.question,
        answer: entry.answer,
        category: entry.question_type,
        evidenceKeys: entry.answer_session_ids,
        askedAt: entry.question_date === undefined ? null : parseSessionDate(entry.question_date),
      },
    ],
  }
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
// LoCoMo: "1:56 pm on 8 May, 2023"; LongMemEval: "2023/05/20 (Sat) 02:21".
const LOCOMO_DATE = /^(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([a-z]+),?\s+(\d{4})$/i
const LONGMEMEVAL_DATE = /^(\d{4})\/(\d{2})\/(\d{2})(?:\s*\([a-z]+\))?(?:\s+(\d{1,2}):(\d{2}))?$/i

/** A session date in either benchmark's wording or ISO 8601, as UTC; null when unreadable. */
export function parseSessionDate(value: string): Date | null {
  const trimmed = value.trim()
  const locomo = LOCOMO_DATE.exec(trimmed)
  if (locomo !== null) {
    const [, hour, minute, half, day, monthName, year] = locomo
    const month = MONTHS.indexOf(monthName!.slice(0, 3).toLowerCase())
    if (month < 0) return null
    const hours = (Number(hour) % 12) + (half!.toLowerCase() === 'pm' ? 12 : 0)
    return new Date(Date.UTC(Number(year), month, Number(day), hours, Number(minute)))
  }
  const longMemEval = LONGMEMEVAL_DATE.exec(trimmed)
  if (longMemEval !== null) {
    const [, year, month, day, hour, minute] = longMemEval
    return new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0)))
  }
  const iso = /^\d{4}-\d{2}-\d{2}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN
  return Number.isNaN(iso) ? null : new Date(iso)
}
