import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { supersededRelations } from '../../src/context/superseded.js'
import { entityKey } from '../../src/normalize.js'
import type { EntityWrite, GraphStore, StoredRelation } from '../../src/ports.js'
import type { ScoredRelation } from '../../src/types.js'
import { GRAPH_STORE_BACKENDS } from '../contract/backends.js'

const SCOPE = { userId: 'alice' }

const entity = (name: string, index: number): EntityWrite => {
  const vector = new Float32Array(8)
  vector[index] = 1
  return { key: entityKey(name), name, type: 'thing', vector }
}

/** Which ended relations a context block shows, on a real graph store. */
describe.each(GRAPH_STORE_BACKENDS)('$name: ended relations a query concerns', (backend) => {
  let graph: GraphStore
  const ended = new Map<string, StoredRelation>()

  beforeAll(async () => {
    graph = await backend.open()
    const names = ['Ana', 'car', 'Acme', 'Globex', '+++']
    const triples: Array<[string, string, string]> = [
      ['Ana', 'OWNS', 'car'],
      ['Ana', 'WORKS_AT', 'Acme'],
      ['Ana', 'LIKES', '+++'],
    ]
    const events = await graph.apply({
      scope: SCOPE,
      now: '2024-01-02T00:00:00.000Z',
      entities: names.map(entity),
      relations: triples.map(([source, relationship, destination]) => ({
        op: 'assert' as const,
        sourceKey: entityKey(source),
        relationship,
        destinationKey: entityKey(destination),
        validFrom: '2024-01-02T00:00:00.000Z',
        memoryIds: ['m1'],
      })),
    })
    const added = events.flatMap((event) => (event.event === 'RELATION_ADDED' ? [event.relation] : []))
    const ending = await graph.apply({
      scope: SCOPE,
      now: '2025-03-14T00:00:00.000Z',
      entities: [],
      relations: [
        ...added.map((relation) => ({ op: 'invalidate' as const, relationId: relation.id, validTo: '2025-03-14T00:00:00.000Z' })),
        { op: 'assert', sourceKey: 'ana', relationship: 'WORKS_AT', destinationKey: 'globex', validFrom: '2025-03-14T00:00:00.000Z', memoryIds: ['m2'] },
      ],
    })
    for (const event of ending) if (event.event === 'RELATION_INVALIDATED') ended.set(event.relation.destination.name, event.relation)
  })
  afterAll(async () => {
    await graph.reset()
    await graph.close()
  })

  const endedOf = async (query: string, found: ScoredRelation[] = []) =>
    (await supersededRelations(graph, SCOPE, query, found)).map((entry) => ({
      line: `${entry.relation.relationship} ${entry.relation.destination.name}`,
      score: entry.score,
    }))

  it('finds an ended relation by an entity the query names, scored like a relation next to a named entity', async () => {
    // "car" is named and the only word of the query that is not a stop word: full relevance.
    expect(await endedOf('Where is the car?')).toEqual([{ line: 'OWNS car', score: 1 }])
    // Named "Ana": every one of her ended relations; those without "owns" have half the query's words.
    const byAna = await endedOf('Ana owns what?')
    expect(byAna[0]).toEqual({ line: 'OWNS car', score: 1 })
    expect(byAna.slice(1).sort((a, b) => a.line.localeCompare(b.line))).toEqual([
      { line: 'LIKES +++', score: 0.75 },
      { line: 'WORKS_AT Acme', score: 0.75 },
    ])
  })

  it("finds an ended relation by its successor in the search results, with the successor's score", async () => {
    const globex: ScoredRelation = { id: 'r-globex', source: 'Ana', relationship: 'WORKS_AT', destination: 'Globex', score: 0.7, hops: 1 }
    const found = await supersededRelations(graph, SCOPE, 'employer', [globex])
    expect(found.map((entry) => [entry.relation.id, entry.successor?.id, entry.score])).toEqual([[ended.get('Acme')!.id, 'r-globex', 0.7]])
  })

  it('ignores a query that names nothing, even beside a name without letters or digits', async () => {
    expect(await endedOf('what now')).toEqual([])
    expect(await endedOf('?!')).toEqual([])
  })
})
