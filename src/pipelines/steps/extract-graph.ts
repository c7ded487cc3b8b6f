import type { Message, Scope } from '../../input.js'
import { callTool } from '../../llm/call-tool.js'
import { entityKey, entityName, relationshipType, resolveFirstPerson, selfName, UNTYPED_ENTITY } from '../../normalize.js'
import type { LLM } from '../../ports.js'
import { buildExtractGraphMessages, extractGraphTool } from '../../prompts/extract-graph.js'
import type { PipelineContext } from '../context.js'

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
 * LLM step `extract_graph`, then normalisation (SPEC §4): names trimmed and keyed, "I"/"me"
 * mapped to the scope's user, relationship types made UPPER_SNAKE_CASE or dropped and reported,
 * self-loops and repeats removed. Nothing the model wrote reaches a store un-normalised.
 */
export async function extractGraph(ctx: PipelineContext, llm: LLM, messages: readonly Message[], scope: Scope, today: Date): Promise<ExtractedGraph> {
  const self = selfName(scope)
  const raw = await callTool(llm, {
    messages: buildExtractGraphMessages({ messages, today, self, instructions: ctx.config.prompts.extractGraph }),
    tool: extractGraphTool,
  })
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
  for (const extracted of raw.entities) entity(extracted.name, extracted.type)

  const problems: string[] = []
  const relations = new Map<string, ExtractedRelation>()
  for (const extracted of raw.relations) {
    const relationship = relationshipType(extracted.relationship)
    const source = entity(extracted.source)
    const destination = entity(extracted.destination)
    if (relationship === null) {
      problems.push(`extract_graph: relationship ${JSON.stringify(extracted.relationship.slice(0, 80))} cannot be normalised to UPPER_SNAKE_CASE; dropped`)
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
