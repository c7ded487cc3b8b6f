/**
 * Orders two strings by UTF-16 code units, as SQLite's BINARY collation and Neo4j's string
 * comparison do, so that ties broken in memory match ties broken by a store's `ORDER BY`
 * (`localeCompare` would not). For `Array.prototype.sort`.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
