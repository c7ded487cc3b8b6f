import type { StoredRelation } from '../ports.js'
import type { ContextItem, ContextItemKind, ContextResult, ScoredMemory, ScoredRelation } from '../types.js'
import type { SupersededFact } from './superseded.js'

/** The block's sections, in this order; a section with no item is left out, heading included. */
const SECTIONS: ReadonlyArray<{ heading: string; kinds: readonly ContextItemKind[] }> = [
  { heading: 'Facts (each with the day it was stated):', kinds: ['fact'] },
  { heading: 'Relations valid now:', kinds: ['relation'] },
  { heading: 'No longer true (superseded by newer information):', kinds: ['superseded_fact', 'superseded_relation'] },
]

/** `2025-03-14: Ana started at the clinic`: the day (UTC) the conversation stating it happened. */
export function factLine(fact: ScoredMemory): string {
  return `${day(fact.observedAt)}: ${oneLine(fact.memory)}`
}

/** `Ana WORKS_AT Clinic (since 2025-03-14)`. */
export function currentRelationLine(relation: ScoredRelation): string {
  const since = relation.validFrom === undefined ? '' : ` (since ${day(relation.validFrom)})`
  return `${triple(relation.source, relation.relationship, relation.destination)}${since}`
}

/** `Ana WORKS_AT Bakery (2024-01-02 to 2025-03-14)`: from its start to its end. */
export function endedRelationLine(relation: StoredRelation): string {
  return `${triple(relation.source.name, relation.relationship, relation.destination.name)} (${day(relation.validFrom)} to ${day(relation.validTo!)})`
}

/**
 * `until 2025-03-14: Ana works at the bakery` for the text the current one replaced (on the day
 * the current text was stated); `before 2025-03-14: …` for texts replaced earlier still.
 */
export function supersededFactLine(fact: SupersededFact): string {
  return `${fact.latest ? 'until' : 'before'} ${day(fact.successor.observedAt)}: ${oneLine(fact.text)}`
}

/** The block showing these items: each section's heading, then its items as `- line`, in the order given. */
export function renderContext(items: readonly ContextItem[]): string {
  const lines: string[] = []
  for (const { heading, kinds } of SECTIONS) {
    const shown = items.filter((item) => kinds.includes(item.kind))
    if (shown.length > 0) lines.push(heading, ...shown.map((item) => `- ${item.line}`))
  }
  return lines.join('\n')
}

/**
 * The most useful items that fit: a prefix of `ranked` whose block counts at most `maxTokens`
 * tokens, and to which the next item would add too many. A later, shorter item never jumps the
 * queue, so the block never shows a less useful item in place of a more useful one. The cut is
 * found by bisection (a few token counts of the block, not one per item), keeping a prefix that
 * fits below and one that does not above.
 */
export function fitToBudget(ranked: readonly ContextItem[], maxTokens: number, countTokens: (text: string) => number): ContextResult {
  const measure = (used: number): ContextResult => {
    const items = ranked.slice(0, used)
    const text = renderContext(items)
    return { text, tokens: countTokens(text), items }
  }
  const all = measure(ranked.length)
  if (all.tokens <= maxTokens) return all
  let fits: ContextResult = { text: '', tokens: 0, items: [] }
  let tooLong = ranked.length
  while (tooLong - fits.items.length > 1) {
    const middle = measure(Math.floor((fits.items.length + tooLong) / 2))
    if (middle.tokens <= maxTokens) fits = middle
    else tooLong = middle.items.length
  }
  return fits
}

function triple(source: string, relationship: string, destination: string): string {
  return `${oneLine(source)} ${relationship} ${oneLine(destination)}`
}

/** Each item is one line, whatever the text it shows holds. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

/** The UTC day of an ISO-8601 time; a value that is not one is shown as it is. */
function day(time: string): string {
  const parsed = Date.parse(time)
  return Number.isNaN(parsed) ? time : new Date(parsed).toISOString().slice(0, 10)
}
