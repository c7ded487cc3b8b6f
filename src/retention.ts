import type { ResolvedConfig } from './config/resolve.js'
import type { ScopeFilter, StoredMemory } from './ports.js'

/** One day in milliseconds: retention, expiry and ranking all count time in days. */
export const DAY_MS = 24 * 60 * 60 * 1000

/** The part of a read's filter that leaves out expired memories: what "live" means at one moment. */
export type LiveFilter = Required<Pick<ScopeFilter, 'activeAt'>> & Pick<ScopeFilter, 'updatedSince'>

/**
 * What is live at `now`: memories whose `expiresAt` has not come, and, under a retention
 * `maxAgeDays`, that were updated within that many days. Reads put this into the store's query,
 * so expired memories never take a place in a top-k.
 */
export function liveAt(now: Date, retention: ResolvedConfig['retention']): LiveFilter {
  const live: LiveFilter = { activeAt: now.toISOString() }
  if (retention.maxAgeDays !== undefined) live.updatedSince = new Date(now.getTime() - retention.maxAgeDays * DAY_MS).toISOString()
  return live
}

/** The same test for a memory read by id. */
export function isLive(memory: Pick<StoredMemory, 'expiresAt' | 'updatedAt'>, live: LiveFilter): boolean {
  const expired = memory.expiresAt !== null && Date.parse(memory.expiresAt) <= Date.parse(live.activeAt)
  const aged = live.updatedSince !== undefined && Date.parse(memory.updatedAt) < Date.parse(live.updatedSince)
  return !expired && !aged
}
