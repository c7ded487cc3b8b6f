import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { type ConversationLine, EngramError, type Memory, parseTransferLine, type TransferLine, type TransferRecord } from '../../index.js'
import { type ParsedArgs, required, UsageError } from '../args.js'
import { Progress } from '../progress.js'
import type { MemoryCommand } from './memory-commands.js'
import { ImportJournal, lineHash } from './import-journal.js'

/** The metadata key that ties a memory to the import line it came from (see {@link ImportJournal}). */
const IMPORT_LINE_KEY = 'import_line'

// Records are restored in batches of this many lines: one embedding call and one store
// transaction per batch instead of per line, while a killed import loses at most one batch of work.
const RECORD_BATCH = 100
const DEFAULT_CONCURRENCY = 4

/** A non-blank line of the input file. */
interface InputLine {
  /** 1-based, as editors count. */
  number: number
  hash: string
  parsed: TransferLine
}

/** What one worker takes at a time: one conversation, or a batch of records of one kind. */
interface WorkUnit {
  lines: InputLine[]
  /** Units of a later phase start once every unit of the earlier ones is finished. */
  phase: number
}

/** The summary `engram import` prints at the end (`--json`: this object). */
interface ImportSummary {
  file: string
  /** The progress record that makes the import resumable. */
  progressFile: string
  lines: number
  imported: number
  skipped: number
  failed: number
  /** Why lines were skipped, with how many each. */
  skipReasons: Record<string, number>
  failures: Array<{ line: number; reason: string }>
}

// Relations need their entities stored, and history is restored in file order, one batch at a
// time, so that it keeps the order it was appended in.
const PHASE: Record<TransferLine['kind'] & string, number> = { memory: 0, entity: 0, conversation: 0, relation: 1, history: 2 }

/** `engram import FILE`: conversations and exported records from JSONL, resumable, `--concurrency N` at a time. */
export const importFile: MemoryCommand = async (memory, { values, rest }) => {
  const path = resolve(required(rest, 'FILE to import (JSONL)'))
  const summary = await runImport(memory, path, { concurrency: concurrencyFrom(values), infer: !values['no-infer'] })
  return { json: summary, print: () => printSummary(summary), exitCode: summary.failed > 0 ? 1 : 0 }
}

async function runImport(memory: Memory, path: string, options: { concurrency: number; infer: boolean }): Promise<ImportSummary> {
  const texts = readLines(path)
  const journal = ImportJournal.open(path, memory.storeLocations)
  const summary: ImportSummary = {
    file: path,
    progressFile: journal.path,
    lines: texts.length,
    imported: 0,
    skipped: 0,
    failed: 0,
    skipReasons: {},
    failures: [],
  }
  const skip = (reason: string, count = 1) => {
    summary.skipped += count
    summary.skipReasons[reason] = (summary.skipReasons[reason] ?? 0) + count
  }
  const fail = (lines: InputLine[] | number, reason: string) => {
    for (const line of typeof lines === 'number' ? [lines] : lines.map((line) => line.number)) summary.failures.push({ line, reason })
    summary.failed += typeof lines === 'number' ? 1 : lines.length
  }
  const progress = new Progress('import', texts.length)
  try {
    const seen = new Map<string, number>()
    const pending: InputLine[] = []
    for (const { number, text } of texts) {
      const hash = lineHash(text)
      if (journal.isDone(hash)) skip('already imported')
      else if (seen.has(hash)) skip('same as an earlier line')
      else {
        seen.set(hash, number)
        try {
          pending.push({ number, hash, parsed: parseTransferLine(text) })
          continue
        } catch (error) {
          fail(number, reasonOf(error))
        }
      }
      progress.advance()
    }
    const run = async (unit: WorkUnit) => {
      const outcome = await importUnit(memory, journal, unit, options.infer)
      if (outcome.error !== undefined) fail(unit.lines, outcome.error)
      else if (outcome.alreadyStored) skip('already imported')
      else summary.imported += unit.lines.length
      progress.advance(unit.lines.length)
    }
    const units = workUnits(pending)
    for (const phase of [0, 1, 2]) {
      await inParallel(
        units.filter((unit) => unit.phase === phase),
        phase === 2 ? 1 : options.concurrency,
        run,
      )
    }
  } finally {
    progress.finish()
    journal.close()
  }
  summary.failures.sort((a, b) => a.line - b.line)
  return summary
}

/**
 * Stores one unit, recording it in the journal as started before and done after. A conversation
 * a previous run started but did not record finished is looked up by its `import_line` metadata
 * first: found, it was stored before the interruption and is not added again. Records need no
 * such check: restoring them again replaces them with themselves.
 */
async function importUnit(memory: Memory, journal: ImportJournal, unit: WorkUnit, infer: boolean): Promise<{ error?: string; alreadyStored?: boolean }> {
  const hashes = unit.lines.map((line) => line.hash)
  try {
    const [first] = unit.lines
    if (unit.lines.length === 1 && isConversation(first!.parsed)) {
      const conversation = first!.parsed
      if (journal.wasInterrupted(first!.hash) && (await storedBefore(memory, conversation, first!.hash))) {
        journal.done(hashes)
        return { alreadyStored: true }
      }
      journal.started(hashes)
      const result = await memory.add(conversation.messages, {
        ...conversation.scope,
        infer,
        metadata: { ...conversation.metadata, [IMPORT_LINE_KEY]: first!.hash },
        ...(conversation.timestamp === undefined ? {} : { observedAt: conversation.timestamp }),
      })
      // A partial add (docs/contract.md) stays "started": a resumed import then finds what it stored.
      if (result.errors !== undefined && result.errors.length > 0) return { error: result.errors.map((error) => `${error.stage}: ${error.message}`).join('; ') }
    } else {
      journal.started(hashes)
      await memory.transfer.restore(unit.lines.map((line) => line.parsed as TransferRecord))
    }
    journal.done(hashes)
    return {}
  } catch (error) {
    return { error: reasonOf(error) }
  }
}

async function storedBefore(memory: Memory, conversation: ConversationLine, hash: string): Promise<boolean> {
  const { results } = await memory.getAll({ ...conversation.scope, filters: { [IMPORT_LINE_KEY]: hash }, limit: 1 })
  return results.length > 0
}

function isConversation(line: TransferLine): line is ConversationLine {
  return line.kind === undefined || line.kind === 'conversation'
}

/** Conversations one by one; records in batches of consecutive lines of one kind. */
function workUnits(lines: InputLine[]): WorkUnit[] {
  const units: WorkUnit[] = []
  for (const line of lines) {
    const kind = line.parsed.kind ?? 'conversation'
    const last = units.at(-1)
    const lastKind = last?.lines[0]?.parsed.kind
    if (kind !== 'conversation' && last !== undefined && lastKind === kind && last.lines.length < RECORD_BATCH) last.lines.push(line)
    else units.push({ lines: [line], phase: PHASE[kind] })
  }
  return units
}

/** Runs `work` over the items with at most `limit` running at once. `work` must not throw. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

function readLines(path: string): Array<{ number: number; text: string }> {
  let content: string
  try {
    content = readFileSync(path, 'utf8')
  } catch (error) {
    throw new EngramError('INVALID_INPUT', `cannot read ${path}: ${(error as Error).message}`, { cause: error })
  }
  return content
    .split('\n')
    .map((text, index) => ({ number: index + 1, text: text.replace(/\r$/, '') }))
    .filter(({ text }) => text.trim() !== '')
}

function concurrencyFrom(values: ParsedArgs['values']): number {
  if (values.concurrency === undefined) return DEFAULT_CONCURRENCY
  const concurrency = Number(values.concurrency)
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new UsageError(`--concurrency must be a whole number from 1 to 64, not "${values.concurrency}"`)
  return concurrency
}

function reasonOf(error: unknown): string {
  if (error instanceof EngramError) return `${error.code}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}

// Enough failures to see the pattern; --json lists them all.
const FAILURES_SHOWN = 20

function printSummary(summary: ImportSummary): void {
  const reasons = Object.entries(summary.skipReasons).map(([reason, count]) => `${count} ${reason}`)
  console.log(
    `imported ${summary.imported}, skipped ${summary.skipped}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}, failed ${summary.failed} of ${summary.lines} lines`,
  )
  for (const { line, reason } of summary.failures.slice(0, FAILURES_SHOWN)) console.log(`  line ${line}: ${reason}`)
  if (summary.failures.length > FAILURES_SHOWN) console.log(`  … and ${summary.failures.length - FAILURES_SHOWN} more (--json lists them all)`)
  if (summary.failed > 0) console.log(`run the same command again to retry the failed lines; progress is kept in ${summary.progressFile}`)
}
