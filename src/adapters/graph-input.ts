import { EngramError } from '../errors.js'
import { assertRelationshipType, RELATIONSHIP_TYPE_PATTERN } from '../normalize.js'

/*
 * Checks of GraphStore input that every graph store makes the same way, with the EngramError
 * codes of the port (ports.ts).
 */

/** ports.ts TraversalQuery: deeper walks are refused rather than allowed to explode. */
const MAX_HOPS = 4

/**
 * @throws EngramError INVALID_INPUT for `hops` that is not an integer from 1 to {@link MAX_HOPS}.
 */
export function requireHops(hops: number): void {
  if (!Number.isInteger(hops) || hops < 1 || hops > MAX_HOPS) {
    throw new EngramError('INVALID_INPUT', `traverse: hops must be an integer from 1 to ${MAX_HOPS}, got ${hops}`)
  }
}

/** {@link assertRelationshipType} with the error every caller of the port can handle. */
export function requireRelationshipType(type: string): void {
  try {
    assertRelationshipType(type)
  } catch (error) {
    throw new EngramError(
      'INVALID_INPUT',
      `relationship type ${JSON.stringify(type)} does not match ${RELATIONSHIP_TYPE_PATTERN.source} (docs/contract.md); nothing was written`,
      { cause: error },
    )
  }
}

/**
 * The time in `Date.toISOString()` form, the only form stored, so that comparing times as
 * strings orders them correctly ("2024-01-01" and "2024-01-01T00:00:00.000Z" would not compare equal).
 *
 * @throws EngramError INVALID_INPUT when `text` is not a date.
 */
export function isoTime(text: string, field: string): string {
  const time = Date.parse(text)
  if (Number.isNaN(time)) throw new EngramError('INVALID_INPUT', `${field} ${JSON.stringify(text)} is not an ISO-8601 time`)
  return new Date(time).toISOString()
}
