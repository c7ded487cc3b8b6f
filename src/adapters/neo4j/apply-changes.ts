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
 *
 * No statement needs another's answer (asserts find their endpoints by key, which the entity
 * statement before them has written), so all are sent before the first answer is read: the
 * server runs them in order, and the apply costs one round trip instead of one per statement.
 * What the answers say is checked afterwards; any failure still rolls the whole transaction back.
 */

type Assert = Extract<RelationOp, { op: 'assert' }>
type Invalidate = Extract<RelationOp, { op: 'invalidate' }>

/** An op with its position in `changes.relations`, which orders the events. */
interface Positioned<Op> {
  readonly position: number
  readonly op: Op
}

type Run = { kind: 'assert'; ops: Array<Positioned<Assert>> } | { kind: 'invalidate'; ops: Array<Positioned<Invalidate>> }

/** Events with the positions of the ops that caused them. */
type PositionedEvents = Array<{ position: number; event: GraphEvent }>

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
 *   nor written by this apply, or a time that is not a date (before anything is sent); NOT_FOUND
 *   for an invalidate of a relation that is not valid in this scope. The caller's transaction
 *   then rolls back.
 */
export async function applyChanges(runner: CypherRunner, changes: GraphChanges): Promise<GraphEvent[]> {
  const scope = scopeValues(changes.scope)
  const now = isoTime(changes.now, 'now')
  // Every parameter is built before the first statement is sent, so a bad time sends nothing.
  const entities = changes.entities.map((entity, position) => entityParams(entity, position, randomUUID()))
  const runs = runsOf(changes.relations).map((run) => (run.kind === 'assert' ? assertRun(run.ops) : invalidateRun(run.ops)))
  const entityRows =
    entities.length === 0 ? Promise.resolve([]) : runner.rows<EntityRow>('write/upsert-entities', { entities, ...scope, now, untyped: UNTYPED_ENTITY })
  const runEvents = runs.map((send) => send(runner, scope, now))
  const forgotten = (changes.forgetMemoryIds ?? []).map((memoryId) =>
    runner
      .rows<{ relation: RelationRecord }>('write/forget-memory', { memory_id: memoryId, scope_key: scope.scope_key })
      .then((rows) => rows.map(({ relation }) => ({ event: 'RELATION_REMOVED' as const, relation: toStoredRelation(relation), memoryId }))),
  )
  const [created, byRun, removed] = await Promise.all([entityRows, Promise.allSettled(runEvents), Promise.all(forgotten)])
  const events: GraphEvent[] = created
    .sort(byPosition)
    .flatMap((row) => (row.created ? [{ event: 'ENTITY_CREATED' as const, entity: toStoredEntity(row.entity) }] : []))
  // The first run's failure is the apply's, as when the runs were sent one by one.
  for (const run of byRun) {
    if (run.status === 'rejected') throw run.reason
    events.push(...run.value.sort(byPosition).map(({ event }) => event))
  }
  return [...events, ...removed.flat()]
}

/** Sends one run's statements; its events, or the failure of its first op that did not apply. */
type SendRun = (runner: CypherRunner, scope: ScopeValues, now: string) => Promise<PositionedEvents>

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

/** One `write/assert-relations` per relationship type of the run; an assert that returns no row lacked an endpoint. */
function assertRun(ops: Array<Positioned<Assert>>): SendRun {
  const byType = new Map<string, Array<Positioned<Assert>>>()
  for (const item of ops) byType.set(item.op.relationship, [...(byType.get(item.op.relationship) ?? []), item])
  const statements = [...byType].map(([type, group]) => ({
    type: assertRelationshipType(type),
    asserts: group.map(({ position, op }) => ({
      position: neo4j.int(position),
      id: randomUUID(),
      source_key: op.sourceKey,
      target_key: op.destinationKey,
      valid_from: isoTime(op.validFrom, 'validFrom'),
      memory_ids: [...new Set(op.memoryIds)],
    })),
  }))
  return async (runner, scope, now) => {
    const answers = statements.map(({ type, asserts }) => runner.rows<RelationRow>('write/assert-relations', { asserts, ...scope, now }, { type }))
    const rows = (await Promise.all(answers)).flat()
    const applied = new Set(rows.map((row) => row.position))
    const missing = ops.find(({ position }) => !applied.has(position))
    if (missing !== undefined) throw noEndpoint(missing.op)
    return rows.map((row) => ({
      position: row.position,
      event: { event: row.added ? 'RELATION_ADDED' : 'RELATION_REINFORCED', relation: toStoredRelation(row.relation) },
    }))
  }
}

/** One `write/invalidate-relations` for the run; any id it did not end fails the apply. */
function invalidateRun(ops: Array<Positioned<Invalidate>>): SendRun {
  const validTo = new Map<string, string>()
  for (const { op } of ops) {
    // Ending one relation twice in an apply: the second finds it invalid, as in the SQLite store.
    if (validTo.has(op.relationId)) throw notValid(op.relationId)
    validTo.set(op.relationId, isoTime(op.validTo, 'validTo'))
  }
  return async (runner, scope, now) => {
    const rows = await runner.rows<{ relation: RelationRecord }>('write/invalidate-relations', {
      valid_to: Object.fromEntries(validTo),
      scope_key: scope.scope_key,
      now,
    })
    const ended = new Map(rows.map(({ relation }) => [relation.id, relation]))
    return ops.map(({ position, op }) => {
      const relation = ended.get(op.relationId)
      if (relation === undefined) throw notValid(op.relationId)
      return { position, event: { event: 'RELATION_INVALIDATED', relation: toStoredRelation(relation) } }
    })
  }
}

function noEndpoint(op: Assert): EngramError {
  return new EngramError(
    'INVALID_INPUT',
    `relation ${JSON.stringify(op.sourceKey)} ${op.relationship} ${JSON.stringify(op.destinationKey)}: an endpoint is neither stored in this scope nor among the entities written; nothing was written`,
  )
}

function notValid(relationId: string): EngramError {
  return new EngramError('NOT_FOUND', `relation ${relationId} is not a valid relation of this scope (unknown, or already invalidated); nothing was written`)
}

function byPosition(a: { position: number }, b: { position: number }): number {
  return a.position - b.position
}
