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
 * Entity resolution, without an LLM: an exact key match within the scope first, then the most
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
  const byKey = new Map((await graph.entitiesByKey(scope, entities.map((entity) => entity.key))).map((node) => [node.key, node]))
  const unmatched = entities.flatMap((entity, index) => (byKey.has(entity.key) ? [] : [{ entity, vector: vectors[index]! }]))
  const similar = unmatched.length === 0 ? [] : await graph.similarEntities(scope, unmatched.map((item) => item.vector), threshold)
  const similarByKey = new Map(unmatched.map((item, index) => [item.entity.key, similar[index] ?? null]))

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
