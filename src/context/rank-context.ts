import type { ContextItem, SearchResult } from '../types.js'
import { currentRelationLine, endedRelationLine, factLine, supersededFactLine } from './format-context.js'
import type { SupersededFact, SupersededRelation } from './superseded.js'

/**
 * Every line a context block could show, most useful first. Facts and relations are ranked on
 * different scales (search keeps them in two lists), so they are fused by rank, as Reciprocal Rank
 * Fusion does with one list per item: the n-th fact and the n-th relation come before the
 * (n+1)-th of either, the fact first. Superseded lines form a third list, in the order of what
 * superseded them (then those found by name), and each counts as if it stood twice as far down:
 * the history behind an answer is worth showing, the present more.
 */
export function rankContextItems(
  found: SearchResult,
  earlierTexts: ReadonlyArray<readonly SupersededFact[]>,
  ended: readonly SupersededRelation[],
): ContextItem[] {
  const facts = found.results.map((fact): ContextItem => ({ kind: 'fact', id: fact.id, score: fact.score, line: factLine(fact) }))
  const relations = found.relations.map(
    (relation): ContextItem => ({ kind: 'relation', id: relation.id, score: relation.score, line: currentRelationLine(relation) }),
  )
  const current = fuseByRank([
    { items: facts, stride: 1 },
    { items: relations, stride: 1 },
  ])
  const factHistory = new Map(found.results.map((fact, index) => [fact.id, earlierTexts[index] ?? []]))
  const endedBySuccessor = new Map<string, SupersededRelation[]>()
  for (const entry of ended) {
    if (entry.successor !== undefined) endedBySuccessor.set(entry.successor.id, [...(endedBySuccessor.get(entry.successor.id) ?? []), entry])
  }
  const superseded: ContextItem[] = [
    ...current.flatMap((item) =>
      item.kind === 'fact' ? (factHistory.get(item.id) ?? []).map(supersededFactItem) : (endedBySuccessor.get(item.id) ?? []).map(endedRelationItem),
    ),
    ...ended.filter((entry) => entry.successor === undefined).map(endedRelationItem),
  ]
  return fuseByRank([
    { items: facts, stride: 1 },
    { items: relations, stride: 1 },
    { items: superseded, stride: 2 },
  ])
}

/** Items of several ranked lists in one order: by rank × the list's stride, then by the list's place. */
function fuseByRank(lists: ReadonlyArray<{ items: readonly ContextItem[]; stride: number }>): ContextItem[] {
  const keyed = lists.flatMap(({ items, stride }, list) => items.map((item, index) => ({ item, position: (index + 1) * stride, list })))
  return keyed.sort((a, b) => a.position - b.position || a.list - b.list).map((entry) => entry.item)
}

function supersededFactItem(fact: SupersededFact): ContextItem {
  return { kind: 'superseded_fact', id: fact.entryId, memoryId: fact.successor.id, score: fact.successor.score, line: supersededFactLine(fact) }
}

function endedRelationItem(entry: SupersededRelation): ContextItem {
  return { kind: 'superseded_relation', id: entry.relation.id, score: entry.score, line: endedRelationLine(entry.relation) }
}
