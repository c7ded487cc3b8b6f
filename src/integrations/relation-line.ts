import type { Relation } from '../types.js'

/**
 * A relation as one line a model reads easily: `alice WORKS_AT Acme (since 2025-01-10T00:00:00.000Z)`.
 * The validity is shown because an ended relation is history, not the present.
 */
export function relationLine(relation: Relation): string {
  const validity = [relation.validFrom && `since ${relation.validFrom}`, relation.validTo && `until ${relation.validTo}`].filter(Boolean).join(', ')
  const line = `${relation.source} ${relation.relationship} ${relation.destination}`
  return validity === '' ? line : `${line} (${validity})`
}
