import { flatRelation } from '../export/graph-snapshot.js'
import { EngramError } from '../errors.js'
import { definedScope } from '../memory-records.js'
import { parseInput, requiredScopeSchema } from '../input.js'
import type { PipelineContext } from '../pipelines/context.js'
import type { StoredEntity, StoredHistoryRecord, StoredMemory, StoredRelation } from '../ports.js'
import type { TransferRecord } from './transfer-records.js'
import { compareStrings } from '../compare-strings.js'

// The most records of one kind an export reads (getAll's cap too). Weaviate refuses larger pages
// (QUERY_MAXIMUM_RESULTS); a scope that reaches it is refused rather than exported in part.
const EXPORT_LIMIT = 100_000

/**
 * `memory.transfer.export`: every memory, entity, relation (invalidated ones too) and history row
 * the scope can see, as transfer records in the order restore needs them. Memories and entities
 * are sorted by creation time, then id, so the same data always exports to the same lines.
 * Relations and history keep the order they were written in (oldest first), which restore writes
 * them in again: relations of one add share their creation time, and stores list them by it.
 */
export async function exportScope(ctx: PipelineContext, scope: unknown): Promise<TransferRecord[]> {
  const visible = definedScope(parseInput(requiredScopeSchema, scope, 'scope'))
  const [memories, entities, relations, history] = await Promise.all([
    ctx.vectorStore.list({ scope: visible, limit: EXPORT_LIMIT }),
    ctx.graph?.entities({ scope: visible, limit: EXPORT_LIMIT }) ?? [],
    ctx.graph?.relations({ scope: visible, validOnly: false, limit: EXPORT_LIMIT }) ?? [],
    ctx.history?.scopeRecords(visible) ?? [],
  ])
  for (const [kind, found] of [
    ['memories', memories],
    ['entities', entities],
    ['relations', relations],
  ] as const) {
    if (found.length >= EXPORT_LIMIT) {
      throw new EngramError(
        'INVALID_INPUT',
        `the scope holds ${EXPORT_LIMIT} or more ${kind}, more than one export reads; export narrower scopes (--agent, --run)`,
      )
    }
  }
  return [
    ...memories.sort(byCreation).map(memoryRecord),
    ...entities.sort(byCreation).map(entityRecord),
    ...relations.reverse().map(relationRecord), // listed newest first
    ...history.map(historyRecord),
  ]
}

/**
 * Checks that a record can be restored into this Memory's stores.
 *
 * @throws EngramError INVALID_CONFIG for graph records when no graph store is configured.
 */
export function requireStoreFor(ctx: PipelineContext, kind: TransferRecord['kind']): void {
  if ((kind === 'entity' || kind === 'relation') && ctx.graph === null) {
    throw new EngramError('INVALID_CONFIG', `cannot restore ${kind} records: no graph store is configured (graphStore.provider is "none")`)
  }
}

function byCreation(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  return compareStrings(a.createdAt, b.createdAt) || compareStrings(a.id, b.id)
}

function memoryRecord(memory: StoredMemory): TransferRecord {
  const { id, text, hash, metadata, scope, createdAt, updatedAt, observedAt, expiresAt, memoryType, mentions } = memory
  return { kind: 'memory', id, text, hash, metadata, scope: definedScope(scope), createdAt, updatedAt, observedAt, expiresAt, memoryType, mentions }
}

function entityRecord(entity: StoredEntity): TransferRecord {
  const { id, key, name, type, scope, mentions, createdAt, updatedAt } = entity
  return { kind: 'entity', id, key, name, type, scope: definedScope(scope), mentions, createdAt, updatedAt }
}

function relationRecord(relation: StoredRelation): TransferRecord {
  const { createdAt, updatedAt, ...rest } = flatRelation(relation)
  return { kind: 'relation', ...rest, scope: definedScope(relation.scope), createdAt, updatedAt }
}

function historyRecord(record: StoredHistoryRecord): TransferRecord {
  const { id, target, targetId, event, oldValue, newValue, scope, actor, role, memoryIds, createdAt } = record
  return {
    kind: 'history',
    id,
    target,
    targetId,
    event,
    oldValue,
    newValue,
    scope: definedScope(scope),
    ...(actor === undefined ? {} : { actor }),
    ...(role === undefined ? {} : { role }),
    ...(memoryIds === undefined ? {} : { memoryIds }),
    createdAt,
  }
}
