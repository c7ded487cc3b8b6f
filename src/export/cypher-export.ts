import { assertRelationshipType } from '../normalize.js'
import type { GraphSnapshot } from './graph-snapshot.js'

/**
 * The graph as one Cypher `CREATE` statement that rebuilds it in an empty Neo4j database, with
 * the node label and properties of docs/contract.md (embeddings left out). Every value is a literal
 * escaped by `cypherString`; relationship types pass the whitelist before they are written.
 */
export function exportCypher(graph: GraphSnapshot): string {
  const variable = new Map(graph.entities.map((entity, index) => [entity.id, `e${index}`]))
  const scope = {
    user_id: graph.scope.userId ?? null,
    agent_id: graph.scope.agentId ?? null,
    run_id: graph.scope.runId ?? null,
  }
  const nodes = graph.entities.map((entity) => {
    const properties = cypherMap({
      name: entity.name,
      key: entity.key,
      type: entity.type,
      ...scopeProperties(entity.scope),
      mentions: entity.mentions,
      created_at: entity.createdAt,
      updated_at: entity.updatedAt,
    })
    return `  (${variable.get(entity.id)}:__Entity__ ${properties})`
  })
  const edges = graph.relations.flatMap((relation) => {
    const source = variable.get(relation.source.id)
    const destination = variable.get(relation.destination.id)
    if (source === undefined || destination === undefined) return []
    const properties = cypherMap({
      valid_from: relation.validFrom,
      valid_to: relation.validTo,
      mentions: relation.mentions,
      memory_ids: relation.memoryIds,
      ...scopeProperties(relation.scope),
      created_at: relation.createdAt,
      updated_at: relation.updatedAt,
    })
    return [`  (${source})-[:${assertRelationshipType(relation.relationship)} ${properties}]->(${destination})`]
  })
  const header = `// Engram graph export of scope ${JSON.stringify(scope)}: ${nodes.length} entities, ${edges.length} relations`
  return nodes.length === 0 ? `${header}\n` : `${header}\nCREATE\n${[...nodes, ...edges].join(',\n')};\n`
}

type CypherValue = string | number | null | string[]

function scopeProperties(scope: GraphSnapshot['scope']): Record<string, CypherValue> {
  return { user_id: scope.userId ?? null, agent_id: scope.agentId ?? null, run_id: scope.runId ?? null }
}

function cypherMap(properties: Record<string, CypherValue>): string {
  const entries = Object.entries(properties).filter(([, value]) => value !== null)
  return `{${entries.map(([key, value]) => `${key}: ${cypherValue(value!)}`).join(', ')}}`
}

function cypherValue(value: string | number | string[]): string {
  if (typeof value === 'number') return String(value)
  if (Array.isArray(value)) return `[${value.map(cypherString).join(', ')}]`
  return cypherString(value)
}

/** A Cypher string literal: backslash escapes for quotes and backslashes, \uXXXX for control characters. */
export function cypherString(text: string): string {
  const escaped = text
    .toWellFormed()
    .replace(/[\\']/g, (character) => `\\${character}`)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
    .replace(/[\u0000-\u001f\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return `'${escaped}'`
}
