import type { Scope } from '../../input.js'
import { keywordTokens } from '../../normalize.js'
import type { EntityWrite, GraphChanges, GraphEvent, HistoryRecord, RelationOp, StoredRelation } from '../../ports.js'
import { relationLine } from '../../prompts/update-graph.js'
import type { Relation } from '../../types.js'
import type { AssertOp, PlannedOp } from './decide-relation-updates.js'
import type { ResolvedEntity } from './resolve-entities.js'

/** A memory the add stored or confirmed, which relations of the same add can cite as provenance. */
export interface SupportingMemory {
  id: string
  text: string
}

export interface GraphOutcome {
  added: Relation[]
  updated: Relation[]
  invalidated: Relation[]
}

export interface GraphTarget {
  scope: Scope
  /** When the conversation happened: start of asserted relations, end of invalidated ones. */
  observedAt: Date
}

/** One add's graph writes, not yet applied, and the audit rows of its entity merges. */
export interface RelationWrites {
  changes: GraphChanges
  /** Written to history only if the changes are applied. */
  merges: HistoryRecord[]
}

/**
 * Turns planned relation ops into the single store transaction that carries them out. Each
 * asserted relation cites the supporting memories that mention one of its ends, or all of them
 * when none does (a fact like "Is vegetarian" never names the user). Memories the add deleted
 * are dropped from provenance in the same transaction.
 */
export function planRelationWrites(
  ops: readonly PlannedOp[],
  resolved: ReadonlyMap<string, ResolvedEntity>,
  supporting: readonly SupportingMemory[],
  deletedMemoryIds: readonly string[],
  target: GraphTarget,
  now: Date,
): RelationWrites {
  const nodes = new Map([...resolved.values()].map((entity) => [entity.key, entity]))
  const observed = target.observedAt.toISOString()
  const asserts = ops.filter((op): op is AssertOp => op.op === 'assert')
  const used = new Set(asserts.flatMap((op) => [op.sourceKey, op.destinationKey]))
  const entities: EntityWrite[] = [...used].flatMap((key) => {
    const node = nodes.get(key)
    return node === undefined ? [] : [{ key, name: node.name, type: node.type, vector: node.vector }]
  })
  // Ends first, then starts: an update_relation that re-asserts a triple opens a new interval.
  const relations: RelationOp[] = [
    ...ops.flatMap((op) => (op.op === 'invalidate' ? [{ op: 'invalidate' as const, relationId: op.relation.id, validTo: observed }] : [])),
    ...asserts.map((op) => ({
      op: 'assert' as const,
      sourceKey: op.sourceKey,
      relationship: op.relationship,
      destinationKey: op.destinationKey,
      validFrom: op.validFrom ?? observed,
      memoryIds: provenance(op, nodes, supporting),
    })),
  ]
  const time = now.toISOString()
  const merges = [...resolved.values()].filter((entity) => entity.mergedFrom !== undefined && used.has(entity.key))
  return {
    changes: { scope: target.scope, now: time, entities, relations, ...(deletedMemoryIds.length > 0 ? { forgetMemoryIds: [...deletedMemoryIds] } : {}) },
    merges: merges.map((entity) => mergeHistory(entity, target.scope, time)),
  }
}

/**
 * The memories a relation cites: those that name the most of its two ends while naming few other
 * entities of the add ("Has a sister Anna in Oslo" backs `Anna LIVES_IN Oslo`, not `alice
 * LIVES_IN Oslo`). When none names an end, all of the add's memories are cited: facts about the
 * user rarely name the user.
 */
function provenance(op: AssertOp, nodes: ReadonlyMap<string, ResolvedEntity>, supporting: readonly SupportingMemory[]): string[] {
  const ends = new Set([op.sourceKey, op.destinationKey])
  const names = [...nodes.values()].map((node) => ({ end: ends.has(node.key), words: keywordTokens(node.name) }))
  const scored = supporting.map((memory) => {
    const words = new Set(keywordTokens(memory.text))
    const named = names.filter((name) => name.words.length > 0 && name.words.every((word) => words.has(word)))
    return { memory, score: named.filter((name) => name.end).length - 0.5 * named.filter((name) => !name.end).length }
  })
  const best = Math.max(0, ...scored.map((entry) => entry.score))
  const citing = best > 0 ? scored.filter((entry) => entry.score === best).map((entry) => entry.memory) : supporting
  return citing.map((memory) => memory.id)
}

/** What the applied events mean for `add`'s result. */
export function graphOutcome(events: readonly GraphEvent[]): GraphOutcome {
  const outcome: GraphOutcome = { added: [], updated: [], invalidated: [] }
  for (const event of events) {
    if (event.event === 'RELATION_ADDED') outcome.added.push(toRelation(event.relation))
    else if (event.event === 'RELATION_REINFORCED') outcome.updated.push(toRelation(event.relation))
    else if (event.event === 'RELATION_INVALIDATED') outcome.invalidated.push(toRelation(event.relation))
  }
  return outcome
}

/** The public shape of a stored relation (docs/contract.md). */
export function toRelation(relation: StoredRelation): Relation {
  return {
    source: relation.source.name,
    relationship: relation.relationship,
    destination: relation.destination.name,
    sourceType: relation.source.type,
    destinationType: relation.destination.type,
    validFrom: relation.validFrom,
    validTo: relation.validTo,
    memoryIds: relation.memoryIds,
  }
}

/** The audit row of a graph event. */
export function graphHistory(event: GraphEvent, scope: Scope, now: string): HistoryRecord {
  if (event.event === 'ENTITY_CREATED') {
    return { target: 'entity', targetId: event.entity.id, event: event.event, oldValue: null, newValue: event.entity.name, scope, createdAt: now }
  }
  const { relation } = event
  const line = relationLine(relation.source.name, relation.relationship, relation.destination.name)
  return {
    target: 'relation',
    targetId: relation.id,
    event: event.event,
    oldValue: event.event === 'RELATION_ADDED' ? null : line,
    newValue: event.event === 'RELATION_INVALIDATED' ? `${line} (valid until ${relation.validTo})` : event.event === 'RELATION_REMOVED' ? null : line,
    scope,
    memoryIds: event.event === 'RELATION_REMOVED' ? [event.memoryId] : relation.memoryIds,
    createdAt: now,
  }
}

function mergeHistory(entity: ResolvedEntity, scope: Scope, now: string): HistoryRecord {
  return {
    target: 'entity',
    targetId: entity.existing?.id ?? entity.key,
    event: 'ENTITY_MERGED',
    oldValue: entity.mergedFrom ?? null,
    newValue: entity.name,
    scope,
    createdAt: now,
  }
}
