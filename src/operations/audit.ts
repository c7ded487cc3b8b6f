import { EngramError } from '../errors.js'
import { auditOptionsSchema, parseInput, requiredScopeSchema, type Scope } from '../input.js'
import { definedScope } from '../memory-records.js'
import type { PipelineContext } from '../pipelines/context.js'
import type { ReadRecord } from '../ports.js'

/** Records per `audit` call when the caller gives no `limit`. */
export const DEFAULT_AUDIT_LIMIT = 100

/** One read as an operation describes it; `recordRead` adds the time. */
export interface Read {
  operation: ReadRecord['operation']
  scope: Scope
  actor: string | undefined
  query?: string
  resultIds: string[]
}

/**
 * Logs one read when the audit is on (config `audit.enabled`). A read whose record cannot be
 * written fails with STORE_UNAVAILABLE instead of returning its result: an audit that can
 * silently miss reads is not an audit (README "Read audit"). Retryable when the store's fault was.
 */
export async function recordRead(ctx: PipelineContext, read: Read): Promise<void> {
  if (ctx.audit === null) return
  const { actor, ...logged } = read
  try {
    await ctx.audit.record({ ...logged, ...(actor !== undefined ? { actor } : {}), createdAt: ctx.now().toISOString() })
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    throw new EngramError('STORE_UNAVAILABLE', `the read audit could not log this ${read.operation}, so its result is withheld: ${detail}`, {
      cause: error,
      retryable: error instanceof EngramError && error.retryable,
    })
  }
}

/** Logs a search (its query and the ids of the memories it found) and hands its result on. */
export async function auditedSearch<R extends { results: Array<{ id: string }> }>(
  ctx: PipelineContext,
  read: { scope: Scope; actor: string | undefined; query: string },
  result: R,
): Promise<R> {
  await recordRead(ctx, { operation: 'search', ...read, resultIds: result.results.map((item) => item.id) })
  return result
}

/**
 * `Memory.audit`: the logged reads a scope can see (the matching of reads: `{userId:"a"}` sees
 * reads made as `{userId:"a", agentId:"x"}`), oldest first.
 *
 * @throws EngramError INVALID_INPUT; INVALID_CONFIG when the audit is not enabled
 */
export async function readAudit(ctx: PipelineContext, scope: unknown, options: unknown): Promise<ReadRecord[]> {
  const reader = definedScope(parseInput(requiredScopeSchema, scope, 'scope'))
  const opts = parseInput(auditOptionsSchema, options ?? {}, 'options')
  if (ctx.audit === null) {
    throw new EngramError('INVALID_CONFIG', 'the read audit is off, so no reads were logged; enable it with config audit: { enabled: true }')
  }
  return ctx.audit.read(reader, {
    ...(opts.since !== undefined ? { since: new Date(opts.since).toISOString() } : {}),
    limit: opts.limit ?? DEFAULT_AUDIT_LIMIT,
  })
}
