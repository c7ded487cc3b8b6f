import { compareStrings } from '../compare-strings.js'
import type { Scope } from '../input.js'
import { entityKey, matchText } from '../normalize.js'
import type { GraphStore, HistoryStore, StoredRelation } from '../ports.js'
import { overlap, queryWords } from '../search/graph-search.js'
import type { ScoredMemory, ScoredRelation } from '../types.js'

/**
 * How many of a scope's newest relations (ended ones included) are read to find the ended ones a
 * query concerns. Relations are listed newest first, so this covers the recent history of a
 * scope; an ended relation older than that is not shown.
 */
const ENDED_RELATIONS_SCAN = 1000

/** A fact's earlier text, replaced by an update: what `history` recorded as its old value. */
export interface SupersededFact {
  /** The history entry of the update. */
  entryId: string
  /** The fact whose current text replaced it. */
  successor: ScoredMemory
  text: string
  /** True for the text the current one directly replaced; older texts were replaced before that. */
  latest: boolean
}

/** An ended relation, with the current relation that superseded it or, found by name, its score. */
export interface SupersededRelation {
  relation: StoredRelation
  /** The valid relation with the same source and type, when search found one. */
  successor?: ScoredRelation
  score: number
}

/**
 * The earlier texts of these facts, each fact's newest first: the `oldMemory` of every update in
 * its history. None when history is disabled.
 */
export async function supersededFacts(history: HistoryStore | null, facts: readonly ScoredMemory[]): Promise<SupersededFact[][]> {
  if (history === null) return facts.map(() => [])
  const entries = await Promise.all(facts.map((fact) => history.forMemory(fact.id)))
  return entries.map((changes, index) =>
    changes
      .filter((entry) => entry.event === 'UPDATE' && entry.oldMemory !== null)
      .reverse()
      .map((entry, position) => ({ entryId: entry.id, successor: facts[index]!, text: entry.oldMemory!, latest: position === 0 })),
  )
}

/**
 * The ended relations the query concerns: those a relation search found superseded (same source
 * entity and relationship type), and those with an entity the query names. A superseded one has
 * its successor's score; one found by name the score graph search gives a relation next to an
 * entity the query names (relevance lifts it from ½ to 1). Best first; ties go to the most
 * recently ended, then by id, so the order never depends on the store.
 */
export async function supersededRelations(
  graph: GraphStore | null,
  scope: Scope,
  query: string,
  found: readonly ScoredRelation[],
): Promise<SupersededRelation[]> {
  if (graph === null) return []
  const listed = await graph.relations({ scope, validOnly: false, limit: ENDED_RELATIONS_SCAN })
  const ended = listed.filter((relation) => relation.validTo !== null)
  if (ended.length === 0) return []
  const successors = new Map<string, ScoredRelation>()
  for (const relation of found) {
    const key = successorKey(relation.source, relation.relationship)
    if (!successors.has(key)) successors.set(key, relation)
  }
  const asked = matchText(query)
  // A name without letters or digits has blank match text, which would be found in any query.
  const named = (name: string) => matchText(name).trim() !== '' && asked.includes(matchText(name))
  const wanted = queryWords(query)
  const concerned = ended.flatMap((relation): SupersededRelation[] => {
    const successor = successors.get(successorKey(relation.source.name, relation.relationship))
    if (successor !== undefined) return [{ relation, successor, score: successor.score }]
    if (named(relation.source.name) || named(relation.destination.name)) return [{ relation, score: 0.5 + 0.5 * overlap(wanted, [relation]) }]
    return []
  })
  return concerned.sort((a, b) => b.score - a.score || compareStrings(b.relation.validTo!, a.relation.validTo!) || compareStrings(a.relation.id, b.relation.id))
}

function successorKey(source: string, relationship: string): string {
  return `${entityKey(source)}\u0000${relationship}`
}
