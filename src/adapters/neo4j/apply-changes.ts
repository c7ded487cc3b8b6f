import { randomUUID } from 'node:crypto'
import neo4j from 'neo4j-driver'
import { EngramError } from '../../errors.js'
import { assertRelationshipType, UNTYPED_ENTITY } from '../../normalize.js'
import type { GraphChanges, GraphEvent, RelationOp } from '../../ports.js'
import { isoTime } from '../graph-input.js'
import type { CypherRunner } from './neo4j-connection.js'
import { type EntityRecord, type ScopeValues, scopeValues, toStoredEntity } from '../graph-records.js'
import { entityParams, toStoredRelation } from './neo4j-records.js'
import type { RelationRecord } from './neo4j-records.js'

/*
 * The statements of one GraphStore.apply, inside its write transaction: every entity in one
 * statement, then the relation ops in batches. Ops are applied in order, but a run of
 * consecutive asserts becomes one statement per relationship type (asserts of different types
 * touch different relations, so their relative order does not matter) and a run of consecutive
 * invalidations one statement. Runs stay in order because an assert followed by an invalidate of
 * the relation it reinforced is not the same as the other way round. The events come back in the
 * order of the ops, as the SQLite store reports them.
 */

type Assert = Extract<RelationOp, { op: 'assert' }>
type Invalidate = Extract<RelationOp, { op: 'invalidate' }>

/** An op with its position in `changes.relations`, which orders the events. */
interface Positioned<Op> {
  readonly position: number
  readonly op: Op
}

type Run = { kind: 'assert'; ops: Array<Positioned<Assert>> } | { kind: 'invalidate'; ops: Array<Positioned<Invalidate>> }

/** What the runs of one apply share: its scope, time and the entity id of every endpoint key. */
interface ApplyContext {
  readonly runner: CypherRunner
  readonly scope: ScopeValues
  readonly now: string
  readonly entityIds: ReadonlyMap<string, string>
}

interface EntityRow {
  position: number
  created: boolean
  entity: EntityRecord
}

interface RelationRow {
  position: number
  added: boolean
  relation: RelationRecord
}

/**
 * Applies `changes` through `runner` (one write transaction) and returns the events in order.
 * Relationship types must have been checked by the caller before the transaction began.
 *
 * @throws EngramError INVALID_INPUT for an assert whose endpoint is neither stored in the scope
 *   nor written by this apply, or a time that is not a date; NOT_FOUND for an invalidate of a
 *   relation that is not valid in this scope. The caller's transaction then rolls back.
 */
export async function applyChanges(runner: CypherRunner, changes: GraphChanges): Promise<GraphEvent[]> {
  const scope = scopeValues(changes.scope)
  const now = isoTime(changes.now, 'now')
  const events: GraphEvent[] = []
  const entityIds = new Map<string, string>()
  if (changes.entities.length > 0) {
    const entities = changes.entities.map((entity, position) => entityParams(entity, position, randomUUID()))
    const rows = await runner.rows<EntityRow>('write/upsert-entities', { entities, ...scope, now, untyped: UNTYPED_ENTITY })
    for (const row of rows.sort(byPosition)) {
      entityIds.set(row.entity.key, row.entity.id)
      if (row.created) events.push({ event: 'ENTITY_CREATED', entity: toStoredEntity(row.entity) })
    }
  }
  const context: ApplyContext = { runner, scope, now, entityIds: await resolveEndpoints(runner, changes.relations, scope, entityIds) }
  for (const run of runsOf(changes.relations)) {
    const positioned = run.kind === 'assert' ? await assertRun(run.ops, context) : await invalidateRun(run.ops, context)
    events.push(...positioned.sort(byPosition).map(({ event }) => event))
  }
  for (const memoryId of changes.forgetMemoryIds ?? []) {
    const rows = await runner.rows<{ relation: RelationRecord }>('write/forget-memory', { memory_id: memoryId, scope_key: scope.scope_key })
    events.push(...rows.map(({ relation }) => ({ event: 'RELATION_REMOVED' as const, relation: toStoredRelation(relation), memoryId })))
  }
  return events
}

/** Endpoint key → entity id: those written by this apply, plus those of asserts already stored in the exact scope (one read). */
async function resolveEndpoints(runner: CypherRunner, ops: readonly RelationOp[], scope: ScopeValues, written: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const ids = new Map(written)
  const missing = new Set(ops.flatMap((op) => (op.op === 'assert' ? [op.sourceKey, op.destinationKey] : [])).filter((key) => !ids.has(key)))
  if (missing.size === 0) return ids
  const rows = await runner.rows<{ entity: EntityRecord }>('read/entities-by-key', { scope_key: scope.scope_key, keys: [...missing] })
  for (const { entity } of rows) ids.set(entity.key, entity.id)
  return ids
}

/** Consecutive ops of one kind, in order. */
function runsOf(ops: readonly RelationOp[]): Run[] {
  const runs: Run[] = []
  ops.forEach((op, position) => {
    const last = runs.at(-1)
    if (op.op === 'assert') {
      if (last?.kind === 'assert') last.ops.push({ position, op })
      else runs.push({ kind: 'assert', ops: [{ position, op }] })
    } else if (last?.kind === 'invalidate') last.ops.push({ position, op })
    else runs.push({ kind: 'invalidate', ops: [{ position, op }] })
  })
  return runs
}

/** One `write/assert-relations` per relationship type of the run. */
async function assertRun(ops: Array<Positioned<Assert>>, context: ApplyContext): Promise<Array<{ position: number; event: GraphEvent }>> {
  const byType = new Map<string, Array<Positioned<Assert>>>()
  for (const item of ops) byType.set(item.op.relationship, [...(byType.get(item.op.relationship) ?? []), item])
  const events: Array<{ position: number; event: GraphEvent }> = []
  for (const [type, group] of byType) {
    const asserts = group.map(({ position, op }) => ({
      position: neo4j.int(position),
      id: randomUUID(),
      source_id: endpoint(op.sourceKey, context),
      target_id: endpoint(op.destinationKey, context),
      valid_from: isoTime(op.validFrom, 'validFrom'),
      memory_ids: [...new Set(op.memoryIds)],
    }))
    const rows = await context.runner.rows<RelationRow>('write/assert-relations', { asserts, ...context.scope, now: context.now }, { type: assertRelationshipType(type) })
    for (const row of rows) {
      events.push({ position: row.position, event: { event: row.added ? 'RELATION_ADDED' : 'RELATION_REINFORCED', relation: toStoredRelation(row.relation) } })
    }
  }
  return events
}

/** One `write/invalidate-relations` for the run; any id it did not end fails the apply. */
async function invalidateRun(ops: Array<Positioned<Invalidate>>, context: ApplyContext): Promise<Array<{ position: number; event: GraphEvent }>> {
  const validTo = new Map<string, string>()
  for (const { op } of ops) {
    // Ending one relation twice in an apply: the second finds it invalid, as in the SQLite store.
    if (validTo.has(op.relationId)) throw notValid(op.relationId)
    validTo.set(op.relationId, isoTime(op.validTo, 'validTo'))
  }
  const rows = await context.runner.rows<{ relation: RelationRecord }>('write/invalidate-relations', {
    valid_to: Object.fromEntries(validTo),
    scope_key: context.scope.scope_key,
    now: context.now,
  })
  const ended = new Map(rows.map(({ relation }) => [relation.id, relation]))
  return ops.map(({ position, op }) => {
    const relation = ended.get(op.relationId)
    if (relation === undefined) throw notValid(op.relationId)
    return { position, event: { event: 'RELATION_INVALIDATED', relation: toStoredRelation(relation) } }
  })
}

function endpoint(key: string, context: ApplyContext): string {
  const id = context.entityIds.get(key)
  if (id === undefined) throw new EngramError('INVALID_INPUT', `relation endpoint ${JSON.stringify(key)} is neither stored in this scope nor among the entities written; nothing was written`)
  return id
}

function notValid(relationId: string): EngramError {
  return new EngramError('NOT_FOUND', `relation ${relationId} is not a valid relation of this scope (unknown, or already invalidated); nothing was written`)
}

function byPosition(a: { position: number }, b: { position: number }): number {
  return a.position - b.position
}
