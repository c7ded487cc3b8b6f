import neo4j from 'neo4j-driver'

/**
 * A value from a Cypher result as plain JSON-friendly data: integers as numbers (as strings past
 * 2^53), nodes as `{ labels, properties }` without their embedding, relationships as
 * `{ type, properties }`, paths as their segments, temporal values as ISO strings.
 */
export function plainValue(value: unknown): unknown {
  if (neo4j.isInt(value)) return neo4j.integer.inSafeRange(value) ? neo4j.integer.toNumber(value) : neo4j.integer.toString(value)
  if (value instanceof neo4j.types.Node) {
    const { embedding: _embedding, ...properties } = value.properties as Record<string, unknown>
    return { labels: value.labels, properties: plainValue(properties) }
  }
  if (value instanceof neo4j.types.Relationship) return { type: value.type, properties: plainValue(value.properties) }
  if (value instanceof neo4j.types.Path) {
    return value.segments.map((segment) => ({ start: plainValue(segment.start), relationship: plainValue(segment.relationship), end: plainValue(segment.end) }))
  }
  if (isTemporal(value)) return String(value)
  if (Array.isArray(value)) return value.map(plainValue)
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, plainValue(entry)]))
  return value
}

function isTemporal(value: unknown): boolean {
  return (
    neo4j.isDate(value as never) ||
    neo4j.isDateTime(value as never) ||
    neo4j.isLocalDateTime(value as never) ||
    neo4j.isTime(value as never) ||
    neo4j.isLocalTime(value as never) ||
    neo4j.isDuration(value as never)
  )
}
