import { parseArgs } from 'node:util'
import type { EngramConfig, Scope } from '../index.js'
import { type IsoTime, isoTimeSchema } from '../input.js'

/** Flags every command accepts. */
export const COMMON_OPTIONS = {
  user: { type: 'string' },
  agent: { type: 'string' },
  run: { type: 'string' },
  json: { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
  limit: { type: 'string' },
  metadata: { type: 'string', multiple: true },
  'no-infer': { type: 'boolean', default: false },
  format: { type: 'string' },
  concurrency: { type: 'string' },
  'expires-at': { type: 'string' },
  'max-age-days': { type: 'string' },
  'max-count': { type: 'string' },
  'max-tokens': { type: 'string' },
  'as-of': { type: 'string' },
  yes: { type: 'boolean', short: 'y', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

export type ParsedArgs = ReturnType<typeof parseCommandLine>

export function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({ args: argv, options: COMMON_OPTIONS, allowPositionals: true, strict: true })
  return { values, command: positionals[0], rest: positionals.slice(1) }
}

/** Thrown for a bad command line: printed as one line, exit code 2. */
export class UsageError extends Error {}

export function scopeFrom(values: ParsedArgs['values']): Scope {
  return {
    ...(values.user !== undefined ? { userId: values.user } : {}),
    ...(values.agent !== undefined ? { agentId: values.agent } : {}),
    ...(values.run !== undefined ? { runId: values.run } : {}),
  }
}

/** The scope flags, for commands that need one: a usage error naming them when none is given. */
export function requiredScopeFrom(values: ParsedArgs['values'], command: string): Scope {
  const scope = scopeFrom(values)
  if (Object.keys(scope).length === 0) throw new UsageError(`${command} needs a scope: --user ID, --agent ID or --run ID`)
  return scope
}

/** The scope flags given, if any: `undefined` when none is (the whole data dir). */
export function optionalScopeFrom(values: ParsedArgs['values']): Scope | undefined {
  const scope = scopeFrom(values)
  return Object.keys(scope).length > 0 ? scope : undefined
}

/** A time flag (`--expires-at`, `--as-of`): an ISO-8601 date-time with offset, or a date meaning midnight UTC. */
export function timeFrom(values: ParsedArgs['values'], flag: 'expires-at' | 'as-of'): IsoTime | undefined {
  const text = values[flag]
  if (text === undefined) return undefined
  if (!isoTimeSchema.safeParse(text).success) {
    throw new UsageError(`--${flag} takes an ISO-8601 date-time with offset (2025-01-10T09:30:00Z) or a date (2025-01-10, midnight UTC), not "${text}"`)
  }
  return text
}

export function limitFrom(values: ParsedArgs['values']): number | undefined {
  if (values.limit === undefined) return undefined
  const limit = Number(values.limit)
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number, not "${values.limit}"`)
  return limit
}

/** The config a command line names: `--data-dir`, the retention flags; the rest comes from the environment. */
export function configFrom(values: ParsedArgs['values']): EngramConfig {
  const dataDir = values['data-dir']
  const retention = retentionFrom(values)
  return { ...(dataDir !== undefined ? { dataDir } : {}), ...(retention !== undefined ? { retention } : {}) }
}

/** `--max-age-days N` and `--max-count N`: a retention policy for this run (config `retention`). */
export function retentionFrom(values: ParsedArgs['values']): { maxAgeDays?: number; maxCount?: number } | undefined {
  const maxAgeDays = positiveNumber(values['max-age-days'], '--max-age-days', false)
  const maxCount = positiveNumber(values['max-count'], '--max-count', true)
  if (maxAgeDays === undefined && maxCount === undefined) return undefined
  return { ...(maxAgeDays !== undefined ? { maxAgeDays } : {}), ...(maxCount !== undefined ? { maxCount } : {}) }
}

export function positiveNumber(text: string | undefined, flag: string, whole: boolean): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
    throw new UsageError(`${flag} must be a positive ${whole ? 'whole ' : ''}number, not "${text}"`)
  }
  return value
}

/** `--metadata key=value` (repeatable); values that look like numbers, booleans or null become those. */
export function metadataFrom(values: ParsedArgs['values']): Record<string, string | number | boolean | null> | undefined {
  if (values.metadata === undefined) return undefined
  const metadata: Record<string, string | number | boolean | null> = {}
  for (const pair of values.metadata) {
    const at = pair.indexOf('=')
    if (at <= 0) throw new UsageError(`--metadata takes key=value, not "${pair}"`)
    metadata[pair.slice(0, at)] = scalar(pair.slice(at + 1))
  }
  return metadata
}

function scalar(text: string): string | number | boolean | null {
  if (text === 'true') return true
  if (text === 'false') return false
  if (text === 'null') return null
  return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text
}

/** The single positional argument a command needs. */
export function required(rest: string[], what: string): string {
  const joined = rest.join(' ').trim()
  if (joined === '') throw new UsageError(`missing ${what}`)
  return joined
}
