import type { GraphSnapshot } from './graph-snapshot.js'

/** The graph as JSON: entities and relations with validity and provenance, no embeddings. */
export function exportJson(graph: GraphSnapshot): string {
  return JSON.stringify(
    {
      scope: graph.scope,
      entities: graph.entities.map(({ id, name, key, type, mentions, createdAt, updatedAt }) => ({ id, name, key, type, mentions, createdAt, updatedAt })),
      relations: graph.relations.map((relation) => ({
        id: relation.id,
        source: relation.source.id,
        relationship: relation.relationship,
        destination: relation.destination.id,
        validFrom: relation.validFrom,
        validTo: relation.validTo,
        mentions: relation.mentions,
        memoryIds: relation.memoryIds,
        createdAt: relation.createdAt,
        updatedAt: relation.updatedAt,
      })),
    },
    null,
    2,
  )
}
