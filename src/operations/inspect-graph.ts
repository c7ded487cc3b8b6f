import { z } from 'zod'
import { EngramError } from '../errors.js'
import { parseInput, requiredScopeSchema } from '../input.js'
import { definedScope } from '../memory-records.js'
import { exportCypher } from '../export/cypher-export.js'
import { exportGraphml } from '../export/graphml-export.js'
import { exportHtml } from '../export/html-export.js'
import { exportJson } from '../export/json-export.js'
import type { PipelineContext } from '../pipelines/context.js'
import type { GraphStore } from '../ports.js'

/** Formats of `memory.graph.export` (docs/contract.md). */
export const GRAPH_EXPORT_FORMATS = ['json', 'cypher', 'graphml', 'html'] as const
export type GraphExportFormat = (typeof GRAPH_EXPORT_FORMATS)[number]

const WRITERS = { json: exportJson, cypher: exportCypher, graphml: exportGraphml, html: exportHtml } as const

/** `memory.graph.export`: the scope's entities and every relation, invalidated ones too. */
export async function exportGraph(ctx: PipelineContext, scope: unknown, format: unknown): Promise<string> {
  const graph = requireGraph(ctx)
  const parsedScope = definedScope(parseInput(requiredScopeSchema, scope, 'scope'))
  const parsedFormat = parseInput(z.enum(GRAPH_EXPORT_FORMATS), format, 'format')
  const all = Number.MAX_SAFE_INTEGER
  const [entities, relations] = await Promise.all([
    graph.entities({ scope: parsedScope, limit: all }),
    graph.relations({ scope: parsedScope, validOnly: false, limit: all }),
  ])
  return WRITERS[parsedFormat]({ scope: parsedScope, entities, relations })
}

/**
 * Longest `memory.graph.cypher()` query text, in UTF-8 bytes. Hand-written queries are a few
 * hundred bytes; a longer text is generated, and parsing it (to confine it to a scope) is work
 * that grows with its length.
 */
const MAX_CYPHER_BYTES = 16_384

const cypherText = z
  .string()
  .trim()
  .min(1)
  .refine((text) => Buffer.byteLength(text, 'utf8') <= MAX_CYPHER_BYTES, `must be at most ${MAX_CYPHER_BYTES} UTF-8 bytes (a fixed limit)`)

/**
 * `memory.graph.cypher`: read-only Cypher, answered by a graph store that speaks Cypher (Neo4j);
 * confined to `scope` when one is given (an object with at least one id), the whole database
 * otherwise.
 */
export async function runCypher(ctx: PipelineContext, query: unknown, params: unknown, scope: unknown): Promise<Array<Record<string, unknown>>> {
  const text = parseInput(cypherText, query, 'query')
  const values = parseInput(z.record(z.string(), z.unknown()), params ?? {}, 'params')
  const graph = requireGraph(ctx)
  if (graph.readCypher === undefined) {
    throw new EngramError(
      'INVALID_CONFIG',
      'memory.graph.cypher() needs graphStore.provider "neo4j"; the embedded SQLite graph can be read with memory.graph.export()',
    )
  }
  if (scope === undefined) return graph.readCypher(text, values)
  return graph.readCypher(text, values, definedScope(parseInput(requiredScopeSchema, scope, 'scope')))
}

function requireGraph(ctx: PipelineContext): GraphStore {
  if (ctx.graph === null) throw new EngramError('INVALID_CONFIG', 'no graph store is configured (graphStore.provider is "none")')
  return ctx.graph
}
