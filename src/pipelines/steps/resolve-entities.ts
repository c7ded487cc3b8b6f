import type { Scope } from '../../input.js'
import type { GraphStore, StoredEntity, Vector } from '../../ports.js'
import type { ExtractedEntity } from './extract-graph.js'

/** An extracted entity bound to the node it will be written as. */
export interface ResolvedEntity {
  /** The key of the node: the extracted key, or an existing entity's key it was merged into. */
  key: string
  name: string
  type: string
  vector: Vector
  /** The node it resolved to, when one exists already. */
  existing?: StoredEntity
  /** Resolved by embedding similarity rather than by key: "Bobby" → "Bob". */
  mergedFrom?: string
}

/**
 * Entity resolution, without an LLM: an exact key match within the scope first, else the most
 * similar entity of the scope at or above `threshold` (graph.entityThreshold). The store answers
 * the similarity question from an index of the scope's entities, never a scan of every node.
 * Returns a map from extracted key to the resolved entity.
 */
export async function resolveEntities(
  graph: GraphStore,
  entities: readonly ExtractedEntity[],
  vectors: readonly Vector[],
  scope: Scope,
  threshold: number,
): Promise<Map<string, ResolvedEntity>> {
  // Both questions at once, though the similar entity counts only where the key found none: on a
  // server, one round trip instead of two on the add's critical path, for scoring a few names more.
  const [exactNodes, similar] = await Promise.all([
    graph.entitiesByKey(
      scope,
      entities.map((entity) => entity.key),
    ),
    entities.length === 0 ? [] : graph.similarEntities(scope, [...vectors], threshold),
  ])
  const byKey = new Map(exactNodes.map((node) => [node.key, node]))
  const similarByKey = new Map(entities.map((entity, index) => [entity.key, byKey.has(entity.key) ? null : (similar[index] ?? null)]))

  const resolved = new Map<string, ResolvedEntity>()
  entities.forEach((entity, index) => {
    const vector = vectors[index]!
    const exact = byKey.get(entity.key)
    const near = similarByKey.get(entity.key)?.entity
    const existing = exact ?? near
    resolved.set(entity.key, {
      key: existing?.key ?? entity.key,
      name: existing?.name ?? entity.name,
      type: existing?.type ?? entity.type,
      vector,
      ...(existing !== undefined ? { existing } : {}),
      ...(exact === undefined && near !== undefined ? { mergedFrom: entity.name } : {}),
    })
  })
  return resolved
}
