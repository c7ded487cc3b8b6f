import { defaultEntityThreshold } from '../config/resolve.js'
import type { GraphStore, LLM } from '../ports.js'
import type { AddInput } from './add-input.js'
import type { PipelineContext } from './context.js'
import { assertEveryRelation, decideRelationUpdates, mayContradict, type PlannedOp } from './steps/decide-relation-updates.js'
import type { ExtractedGraph } from './steps/extract-graph.js'
import { planRelationWrites, type RelationWrites, type SupportingMemory } from './steps/plan-relation-writes.js'
import { type ResolvedEntity, resolveEntities } from './steps/resolve-entities.js'

/** The graph changes one chunk calls for, decided but not yet written. */
export interface GraphPlan {
  ops: PlannedOp[]
  resolved: Map<string, ResolvedEntity>
  /** Dropped relations and ignored decisions; reported as `graph` stage errors. */
  problems: string[]
}

/** The plan of a chunk whose graph was not planned (graph off, or its LLM step failed). */
export const NO_GRAPH_PLAN: GraphPlan = { ops: [], resolved: new Map(), problems: [] }

/**
 * Graph, part one (docs/contract.md): everything from the extracted graph up to the write. It runs side by
 * side with the fact pipeline; the write waits for the facts so relations can cite their memories.
 */
export async function planGraph(ctx: PipelineContext, llm: LLM, graph: GraphStore, input: AddInput, extraction: Promise<ExtractedGraph>): Promise<GraphPlan> {
  const today = input.observedAt
  const extracted = await extraction //                                                   LLM: extract_graph or extract_memories
  if (extracted.relations.length === 0) return { ops: [], resolved: new Map(), problems: extracted.problems }
  const used = new Set(extracted.relations.flatMap((relation) => [relation.sourceKey, relation.destinationKey]))
  const entities = extracted.entities.filter((entity) => used.has(entity.key))
  const vectors = await ctx.embedder.embed(
    entities.map((entity) => entity.name),
    'document',
  ) // one batched call, reused below
  const threshold = ctx.config.graph.entityThreshold ?? defaultEntityThreshold(ctx.embedder.model)
  const resolved = await resolveEntities(graph, entities, vectors, input.scope, threshold) // key match, then similarity
  const known = [...new Set([...resolved.values()].flatMap((entity) => (entity.existing ? [entity.existing.id] : [])))]
  const existing = known.length > 0 ? await graph.validRelationsOf(input.scope, known) : [] // what the new ones touch
  const decide = ctx.config.graph.updateOn === 'touch' ? existing.length > 0 : mayContradict(extracted.relations, resolved, existing)
  const planned = decide
    ? await decideRelationUpdates(ctx, llm, extracted.relations, resolved, existing, input.scope, today) // LLM: graph update tools
    : assertEveryRelation(extracted.relations, resolved) //                     nothing to decide: added or reinforced, no call
  return { ops: planned.ops, resolved, problems: [...extracted.problems, ...planned.problems] }
}

/**
 * Graph, part two: the plan as one store transaction, citing the facts' memories as provenance
 * and dropping the memories the facts deleted. Null when there is nothing to write.
 */
export function graphWrites(
  ctx: PipelineContext,
  plan: GraphPlan,
  input: AddInput,
  supporting: readonly SupportingMemory[],
  deletedMemoryIds: readonly string[],
): RelationWrites | null {
  if (plan.ops.length === 0 && deletedMemoryIds.length === 0) return null
  return planRelationWrites(plan.ops, plan.resolved, supporting, deletedMemoryIds, { scope: input.scope, observedAt: input.observedAt }, ctx.now())
}
