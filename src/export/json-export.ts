import { flatRelation, type GraphSnapshot } from './graph-snapshot.js'

/** The graph as JSON: entities and relations with validity and provenance, no embeddings. */
export function exportJson(graph: GraphSnapshot): string {
  return JSON.stringify(
    {
      scope: graph.scope,
      entities: graph.entities.map(({ id, name, key, type, mentions, createdAt, updatedAt }) => ({ id, name, key, type, mentions, createdAt, updatedAt })),
      relations: graph.relations.map(flatRelation),
    },
    null,
    2,
  )
}
