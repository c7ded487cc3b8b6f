import { Filters } from 'weaviate-client'
import type { Filter, FilterValue } from 'weaviate-client'
import type { Metadata, MetadataValue, Scope } from '../../input.js'
import type { ScopeFilter } from '../../ports.js'
import type { MemoryProperties } from './memory-collection.js'

/*
 * How scope and metadata become filterable with exact, type-strict equality.
 *
 * Weaviate properties have one fixed type each, while a metadata key may hold a string in one
 * memory and a number, boolean or null in another; and Weaviate's text filters compare tokens,
 * where even `field` tokenization trims surrounding whitespace (" a" would equal "a"). So each
 * memory carries canonical entries, `JSON.stringify([key, value])`, in `text[]` properties with
 * `field` tokenization: `["v",1]`, `["v","1"]`, `["v",true]` and `["v",null]` are different
 * strings, an entry never starts or ends with whitespace, and JSON quoting makes the encoding
 * injective for any key (dots, quotes, `=`). A read asks for `containsAll` of its entries, which
 * Weaviate answers from its inverted index inside the vector, keyword and list queries alike.
 * The readable values (`user_id`, …, `metadata` as JSON) are stored beside them for round-trips.
 */

/** The scope ids as the collection's properties name them. */
export const SCOPE_PROPERTIES = [
  ['userId', 'user_id'],
  ['agentId', 'agent_id'],
  ['runId', 'run_id'],
] as const

const entry = (key: string, value: MetadataValue): string => JSON.stringify([key, value])

/** One entry per id the scope carries. */
export function scopeEntries(scope: Scope): string[] {
  return SCOPE_PROPERTIES.flatMap(([field, property]) => {
    const id = scope[field]
    return id === undefined ? [] : [entry(property, id)]
  })
}

/** One entry per metadata key. */
export function metadataEntries(metadata: Metadata): string[] {
  return Object.entries(metadata).map(([key, value]) => entry(key, value))
}

/**
 * The filter of a read or a scope delete (ports.ts ScopeFilter): every id of the scope, every
 * metadata equality and each lifecycle filter given must hold; an absent id does not constrain,
 * or, with `exactScope`, must be absent: no entry of that id (`["agent_id",` followed by
 * anything) may be present. `undefined` when nothing constrains.
 */
export function whereClause(filter: Filter<MemoryProperties>, scopeFilter: ScopeFilter): FilterValue | undefined {
  const scope = scopeEntries(scopeFilter.scope)
  const metadata = metadataEntries(scopeFilter.filters ?? {})
  const { memoryType, activeAt, updatedSince } = scopeFilter
  const absent = scopeFilter.exactScope === true ? SCOPE_PROPERTIES.filter(([field]) => scopeFilter.scope[field] === undefined) : []
  return allOf([
    ...(scope.length === 0 ? [] : [filter.byProperty('scope_entries').containsAll(scope)]),
    // `*` is Weaviate's only wildcard besides `?`, and neither occurs in a property name.
    ...absent.map(([, property]) => Filters.not(filter.byProperty('scope_entries').like(`[${JSON.stringify(property)},*`))),
    ...(metadata.length === 0 ? [] : [filter.byProperty('metadata_entries').containsAll(metadata)]),
    ...(memoryType === undefined ? [] : [filter.byProperty('memory_type').equal(memoryType)]),
    // Never-expiring memories hold NEVER_EXPIRES, later than any activeAt.
    ...(activeAt === undefined ? [] : [filter.byProperty('expires_at_ms').greaterThan(epochMs(activeAt))]),
    ...(updatedSince === undefined ? [] : [filter.byProperty('updated_at_ms').greaterOrEqual(epochMs(updatedSince))]),
  ])
}

/**
 * The filter of `expired`: expired at `now`, or updated before `updatedBefore` when given; within
 * the scope's visibility when one is given.
 */
export function expiredClause(filter: Filter<MemoryProperties>, query: { scope?: Scope; now: string; updatedBefore?: string }): FilterValue {
  const expired = filter.byProperty('expires_at_ms').lessOrEqual(epochMs(query.now))
  const due = query.updatedBefore === undefined ? expired : Filters.or(expired, filter.byProperty('updated_at_ms').lessThan(epochMs(query.updatedBefore)))
  const scope = scopeEntries(query.scope ?? {})
  return allOf([due, ...(scope.length === 0 ? [] : [filter.byProperty('scope_entries').containsAll(scope)])])!
}

/** An ISO-8601 time as the epoch milliseconds the range filters compare. */
export function epochMs(time: string): number {
  return Date.parse(time)
}

function allOf(clauses: FilterValue[]): FilterValue | undefined {
  return clauses.length <= 1 ? clauses[0] : Filters.and(...clauses)
}
