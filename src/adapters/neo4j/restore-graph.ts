import neo4j from 'neo4j-driver'
import { EngramError } from '../../errors.js'
import { assertRelationshipType } from '../../normalize.js'
import type { GraphRestore } from '../../ports.js'
import { columnsOfScopeKey, scopeValues } from '../graph-records.js'
import type { CypherRunner } from './neo4j-connection.js'
import { entityParams } from './neo4j-records.js'

/**
 * The statements of one GraphStore.restore, inside its write transaction: every entity in one
 * statement, then one statement per relationship type (Cypher cannot take a type as a parameter).
 * The scopes whose entities it wrote or moved get a new generation epoch (entity-mirror.ts).
 *
 * @throws EngramError INVALID_INPUT for a relation whose endpoint is neither stored nor restored;
 *   the caller's transaction then rolls back.
 */
export async function restoreGraph(runner: CypherRunner, graph: GraphRestore): Promise<void> {
  if (graph.entities.length > 0) {
    const entities = graph.entities.map((entity) => {
      const { position: _position, ...written } = entityParams(entity, 0, entity.id)
      return { ...written, ...scopeValues(entity.scope), mentions: neo4j.int(entity.mentions), created_at: entity.createdAt, updated_at: entity.updatedAt }
    })
    const [row] = await runner.rows<{ previous_scope_keys: string[] }>('write/restore-entities', { entities })
    // Entities may have moved between scopes or changed their embeddings: every scope touched reloads whole.
    const touched = new Set([...entities.map((entity) => entity.scope_key), ...(row?.previous_scope_keys ?? [])])
    await runner.rows('write/renew-entity-generations', { scopes: [...touched].map((key) => ({ scope_key: key, ...columnsOfScopeKey(key) })) })
  }
  // seq: the position in the restore, which orders relations with the same created_at (list-relations).
  const byType = new Map<string, Array<{ relation: GraphRestore['relations'][number]; seq: number }>>()
  for (const [seq, relation] of graph.relations.entries()) byType.set(relation.relationship, [...(byType.get(relation.relationship) ?? []), { relation, seq }])
  for (const [type, group] of byType) {
    const relations = group.map(({ relation, seq }) => ({
      id: relation.id,
      source_id: relation.source.id,
      target_id: relation.destination.id,
      valid_from: relation.validFrom,
      valid_to: relation.validTo,
      mentions: neo4j.int(relation.mentions),
      memory_ids: relation.memoryIds,
      seq: neo4j.int(seq),
      ...scopeValues(relation.scope),
      created_at: relation.createdAt,
      updated_at: relation.updatedAt,
    }))
    const [row] = await runner.rows<{ written: number }>('write/restore-relations', { relations }, { type: assertRelationshipType(type) })
    if (row?.written !== relations.length) {
      throw new EngramError(
        'INVALID_INPUT',
        `${relations.length - (row?.written ?? 0)} ${type} relation(s) name an endpoint that is neither stored nor restored; nothing was written`,
      )
    }
  }
}
