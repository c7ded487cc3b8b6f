import type { TextMessage, Scope } from '../../input.js'
import { callTool } from '../../llm/call-tool.js'
import { entityKey, entityName, RELATIONSHIP_TYPE_RULE, relationshipType, resolveFirstPerson, selfName, UNTYPED_ENTITY } from '../../normalize.js'
import type { LLM } from '../../ports.js'
import { buildExtractGraphMessages, type ExtractedGraph as RawGraph, extractGraphTool } from '../../prompts/extract-graph.js'
import type { EarlierConversation } from '../../prompts/render.js'
import type { PipelineContext } from '../context.js'
import { capAnswer, MAX_ENTITIES_PER_ANSWER, MAX_RELATIONS_PER_ANSWER } from './answer-limits.js'

/** An entity as extracted, after normalisation. */
export interface ExtractedEntity {
  key: string
  name: string
  type: string
}

/** A relation as extracted, between entity keys, with a whitelisted relationship type. */
export interface ExtractedRelation {
  sourceKey: string
  relationship: string
  destinationKey: string
  validFrom?: string
}

export interface ExtractedGraph {
  entities: ExtractedEntity[]
  relations: ExtractedRelation[]
  /** Relations dropped during normalisation, and why; reported as `graph` stage errors. */
  problems: string[]
}

/**
 * LLM step `extract_graph`, then {@link normalizeGraph}: nothing the model wrote reaches a store
 * un-normalised. `earlier` is shown only to resolve references.
 */
export async function extractGraph(
  ctx: PipelineContext,
  llm: LLM,
  messages: readonly TextMessage[],
  scope: Scope,
  today: Date,
  earlier?: EarlierConversation,
): Promise<ExtractedGraph> {
  const raw = await callTool(llm, {
    messages: buildExtractGraphMessages({ messages, today, self: selfName(scope), instructions: ctx.config.prompts.extractGraph, earlier }),
    tool: extractGraphTool,
  })
  return normalizeGraph(raw, scope, 'extract_graph')
}

/**
 * Normalisation of an extracted graph (docs/contract.md): names trimmed and keyed, "I"/"me" mapped to the
 * scope's user, relationship types made UPPER_SNAKE_CASE or dropped and reported, self-loops and
 * repeats removed, and the answer capped. `step` names the tool in problem lines.
 */
export function normalizeGraph(raw: RawGraph, scope: Scope, step: string): ExtractedGraph {
  const entities = new Map<string, ExtractedEntity>()
  const entity = (rawName: string, type?: string): ExtractedEntity | undefined => {
    const name = entityName(resolveFirstPerson(rawName, scope))
    const key = entityKey(name)
    if (key === '') return undefined
    const known = entities.get(key)
    if (known !== undefined) return known
    const created = { key, name, type: entityKey(type ?? '') || UNTYPED_ENTITY }
    entities.set(key, created)
    return created
  }
  const listed = capAnswer(raw.entities, MAX_ENTITIES_PER_ANSWER, step, 'entities')
  for (const extracted of listed.kept) entity(extracted.name, extracted.type)

  const problems: string[] = [...listed.problems]
  const relations = new Map<string, ExtractedRelation>()
  for (const extracted of raw.relations) {
    if (relations.size === MAX_RELATIONS_PER_ANSWER) {
      problems.push(
        `${step}: the model returned ${raw.relations.length} relations; the first ${MAX_RELATIONS_PER_ANSWER} distinct ones were kept (a fixed limit per answer)`,
      )
      break
    }
    const relationship = relationshipType(extracted.relationship)
    const source = entity(extracted.source)
    const destination = entity(extracted.destination)
    if (relationship === null) {
      problems.push(`${step}: relationship ${JSON.stringify(extracted.relationship.slice(0, 80))} cannot be normalised: ${RELATIONSHIP_TYPE_RULE}; dropped`)
    } else if (source !== undefined && destination !== undefined && source.key !== destination.key) {
      const validFrom = isoDate(extracted.valid_from)
      relations.set(`${source.key}\u0000${relationship}\u0000${destination.key}`, {
        sourceKey: source.key,
        relationship,
        destinationKey: destination.key,
        ...(validFrom !== undefined ? { validFrom } : {}),
      })
    }
  }
  return { entities: [...entities.values()], relations: [...relations.values()], problems }
}

/** A model-written date as ISO-8601, or undefined when it is not a date. */
export function isoDate(text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  const time = Date.parse(text)
  return Number.isNaN(time) ? undefined : new Date(time).toISOString()
}
