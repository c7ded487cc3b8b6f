import type { Scope } from '../../input.js'
import { callTools } from '../../llm/call-tool.js'
import { entityKey, RELATIONSHIP_TYPE_RULE, relationshipType, resolveFirstPerson } from '../../normalize.js'
import type { LLM, StoredRelation } from '../../ports.js'
import { buildUpdateGraphMessages, type GraphDecision, relationLine, updateGraphTools } from '../../prompts/update-graph.js'
import type { PipelineContext } from '../context.js'
import { capAnswer, MAX_GRAPH_UPDATE_CALLS } from './answer-limits.js'
import { type ExtractedRelation, isoDate } from './extract-graph.js'
import type { ResolvedEntity } from './resolve-entities.js'

/** A planned relation change, between resolved entity keys. */
export interface AssertOp {
  op: 'assert'
  sourceKey: string
  relationship: string
  destinationKey: string
  validFrom?: string
}
export type PlannedOp = AssertOp | { op: 'invalidate'; relation: StoredRelation }

export interface RelationPlan {
  ops: PlannedOp[]
  /** Decisions that could not be applied, and why; reported as `graph` stage errors. */
  problems: string[]
}

/**
 * Existing relations shown to the model at most. The most recently updated come first; a user
 * with hundreds of relations would otherwise make every update prompt long and slow.
 */
export const MAX_EXISTING_RELATIONS = 100

/** Every extracted relation is asserted: the plan when they touch no existing relation, made without an LLM call. */
export function assertEveryRelation(relations: readonly ExtractedRelation[], resolved: ReadonlyMap<string, ResolvedEntity>): RelationPlan {
  return { ops: relations.map((relation) => assertOp(relation, resolved)), problems: [] }
}

/**
 * Whether an extracted relation may contradict a stored one, so that the graph-update step has
 * something to decide (`graph.updateOn: "conflict"`): the same source under the same relationship
 * to another destination (LIVES_IN Paris, now Berlin), or the same two entities under another
 * relationship, either way round (LIKES, now DISLIKES). Anything else is a repeat, reinforced, or
 * new beside what is stored, added; neither needs the model.
 */
export function mayContradict(
  relations: readonly ExtractedRelation[],
  resolved: ReadonlyMap<string, ResolvedEntity>,
  existing: readonly StoredRelation[],
): boolean {
  return relations.some((relation) => {
    const source = resolved.get(relation.sourceKey)?.existing?.id
    const destination = resolved.get(relation.destinationKey)?.existing?.id
    return existing.some((stored) => {
      const sameEnds =
        (stored.source.id === source && stored.destination.id === destination) || (stored.source.id === destination && stored.destination.id === source)
      const otherDestination = stored.source.id === source && stored.relationship === relation.relationship && stored.destination.id !== destination
      return otherDestination || (sameEnds && stored.relationship !== relation.relationship)
    })
  })
}

/**
 * LLM step with `add_relation` / `update_relation` / `delete_relation` / `noop` (docs/contract.md). The
 * model sees the touched existing relations as numbered lines and the new ones; its calls name
 * relations by their ends, which are mapped back to entity keys. An extracted relation that
 * repeats an existing one is asserted as well, so the store reinforces it (mentions + 1).
 */
export async function decideRelationUpdates(
  ctx: PipelineContext,
  llm: LLM,
  extracted: readonly ExtractedRelation[],
  resolved: ReadonlyMap<string, ResolvedEntity>,
  existing: readonly StoredRelation[],
  scope: Scope,
  today: Date,
): Promise<RelationPlan> {
  const shown = [...existing].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, MAX_EXISTING_RELATIONS)
  const asserted = extracted.map((relation) => assertOp(relation, resolved))
  const nameOf = new Map([...resolved.values()].map((entity) => [entity.key, entity.name]))
  const calls = await callTools(llm, {
    messages: buildUpdateGraphMessages({
      existing: shown.map((relation) => relationLine(relation.source.name, relation.relationship, relation.destination.name)),
      extracted: asserted.map((op) => relationLine(nameOf.get(op.sourceKey)!, op.relationship, nameOf.get(op.destinationKey)!)),
      today,
      instructions: ctx.config.prompts.updateGraph,
    }),
    tools: Object.values(updateGraphTools),
  })
  const decided = capAnswer(calls as GraphDecision[], MAX_GRAPH_UPDATE_CALLS, 'graph update', 'calls')
  const planner = new DecisionPlanner(resolved, shown, scope)
  for (const call of decided.kept) planner.apply(call)
  planner.reinforceRepeats(asserted)
  return { ops: planner.ops, problems: [...decided.problems, ...planner.problems] }
}

function assertOp(relation: ExtractedRelation, resolved: ReadonlyMap<string, ResolvedEntity>): AssertOp {
  return {
    op: 'assert',
    sourceKey: resolved.get(relation.sourceKey)!.key,
    relationship: relation.relationship,
    destinationKey: resolved.get(relation.destinationKey)!.key,
    ...(relation.validFrom !== undefined ? { validFrom: relation.validFrom } : {}),
  }
}

/** Turns the model's calls into ops, checking every name and type it wrote. */
class DecisionPlanner {
  readonly ops: PlannedOp[] = []
  readonly problems: string[] = []
  readonly #keys: Map<string, string>
  readonly #invalidated = new Set<string>()

  constructor(
    resolved: ReadonlyMap<string, ResolvedEntity>,
    readonly existing: readonly StoredRelation[],
    readonly scope: Scope,
  ) {
    // Any name the model may use → the key of the node it means.
    this.#keys = new Map(
      [...resolved].flatMap(([extractedKey, entity]) => [
        [extractedKey, entity.key],
        [entity.key, entity.key],
      ]),
    )
    for (const relation of existing) {
      for (const end of [relation.source, relation.destination]) this.#keys.set(entityKey(end.name), entityKey(end.name))
    }
  }

  apply(call: GraphDecision): void {
    switch (call.name) {
      case 'noop':
        return
      case 'add_relation':
        this.#assert(call.args.source, call.args.relationship, call.args.destination, call.args.valid_from)
        return
      case 'delete_relation':
        this.#invalidate(call.args.source, call.args.relationship, call.args.destination, call.name)
        return
      case 'update_relation':
        if (this.#invalidate(call.args.source, call.args.relationship, call.args.destination, call.name)) {
          this.#assert(call.args.source, call.args.new_relationship ?? call.args.relationship, call.args.new_destination ?? call.args.destination)
        }
    }
  }

  /** Extracted relations equal to an existing valid one, not ended by this decision, are reinforced. */
  reinforceRepeats(asserted: readonly AssertOp[]): void {
    for (const op of asserted) {
      const match = this.#find(op.sourceKey, op.relationship, op.destinationKey)
      const already = this.ops.some((planned) => planned.op === 'assert' && sameTriple(planned, op))
      if (match !== undefined && !this.#invalidated.has(match.id) && !already) this.ops.push(op)
    }
  }

  #assert(source: string, rawRelationship: string, destination: string, validFrom?: string): void {
    const relationship = relationshipType(rawRelationship)
    const sourceKey = this.#key(source)
    const destinationKey = this.#key(destination)
    if (relationship === null) {
      this.problems.push(`graph update: relationship ${JSON.stringify(rawRelationship.slice(0, 80))} cannot be normalised: ${RELATIONSHIP_TYPE_RULE}; dropped`)
    } else if (sourceKey === undefined || destinationKey === undefined) {
      this.problems.push(`graph update: ${relationLine(source, rawRelationship, destination)} names an entity that was neither extracted nor shown; dropped`)
    } else if (sourceKey !== destinationKey) {
      const start = isoDate(validFrom)
      const op: AssertOp = { op: 'assert', sourceKey, relationship, destinationKey, ...(start !== undefined ? { validFrom: start } : {}) }
      if (!this.ops.some((planned) => planned.op === 'assert' && sameTriple(planned, op))) this.ops.push(op)
    }
  }

  #invalidate(source: string, rawRelationship: string, destination: string, tool: string): boolean {
    const relationship = relationshipType(rawRelationship)
    const sourceKey = this.#key(source)
    const destinationKey = this.#key(destination)
    const match =
      relationship === null || sourceKey === undefined || destinationKey === undefined ? undefined : this.#find(sourceKey, relationship, destinationKey)
    if (match === undefined) {
      this.problems.push(`${tool}: ${relationLine(source, rawRelationship, destination)} is not one of the relations shown; ignored`)
      return false
    }
    if (!this.#invalidated.has(match.id)) {
      this.#invalidated.add(match.id)
      this.ops.push({ op: 'invalidate', relation: match })
    }
    return true
  }

  #find(sourceKey: string, relationship: string, destinationKey: string): StoredRelation | undefined {
    return this.existing.find(
      (relation) =>
        relation.relationship === relationship && entityKey(relation.source.name) === sourceKey && entityKey(relation.destination.name) === destinationKey,
    )
  }

  #key(name: string): string | undefined {
    const key = entityKey(resolveFirstPerson(name, this.scope))
    return this.#keys.get(key)
  }
}

function sameTriple(a: AssertOp, b: AssertOp): boolean {
  return a.sourceKey === b.sourceKey && a.relationship === b.relationship && a.destinationKey === b.destinationKey
}
