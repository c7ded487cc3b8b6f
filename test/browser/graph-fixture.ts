import type { GraphSnapshot } from '../../src/export/graph-snapshot.js'
import type { StoredEntity, StoredRelation } from '../../src/ports.js'

/*
 * A fixed graph for the picture tests: ids and timestamps are constants, so the page and its
 * screenshot are the same on every run. Two relations are invalidated (one of them later
 * asserted again, a parallel edge), and four entity types need four colours.
 */

const SCOPE = { userId: 'alice' }
const T0 = '2025-01-01T00:00:00.000Z'

function entity(n: number, name: string, type: string, mentions = 1): StoredEntity {
  return { id: `00000000-0000-4000-8000-00000000000${n}`, key: name.toLowerCase(), name, type, scope: SCOPE, mentions, createdAt: T0, updatedAt: T0 }
}

const [alice, bob, acme, globex, paris, jazz] = [
  entity(1, 'alice', 'person', 5),
  entity(2, 'bob', 'person'),
  entity(3, 'Acme', 'organization'),
  entity(4, 'Globex', 'organization', 2),
  entity(5, 'Paris', 'city'),
  entity(6, 'jazz', 'music'),
]

function relation(
  n: number,
  source: StoredEntity,
  relationship: string,
  destination: StoredEntity,
  validFrom: string,
  validTo: string | null,
  memoryIds: string[],
): StoredRelation {
  const ref = ({ id, name, type }: StoredEntity) => ({ id, name, type })
  return {
    id: `00000000-0000-4000-9000-00000000000${n}`,
    source: ref(source),
    relationship,
    destination: ref(destination),
    validFrom,
    validTo,
    mentions: memoryIds.length,
    memoryIds,
    scope: SCOPE,
    createdAt: validFrom,
    updatedAt: validTo ?? validFrom,
  }
}

export const FIXTURE_GRAPH: GraphSnapshot = {
  scope: SCOPE,
  entities: [alice, bob, acme, globex, paris, jazz],
  relations: [
    relation(1, alice, 'WORKS_AT', acme, '2025-01-10T09:00:00.000Z', '2025-06-01T09:00:00.000Z', ['mem-acme']),
    relation(2, alice, 'WORKS_AT', globex, '2025-06-01T09:00:00.000Z', null, ['mem-globex']),
    relation(3, alice, 'KNOWS', bob, '2025-02-01T09:00:00.000Z', null, ['mem-bob-1', 'mem-bob-2']),
    relation(4, bob, 'LIVES_IN', paris, '2025-02-01T09:00:00.000Z', null, ['mem-paris']),
    relation(5, alice, 'LIKES', jazz, '2025-01-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z', ['mem-jazz-1']),
    relation(6, alice, 'LIKES', jazz, '2025-05-01T00:00:00.000Z', null, ['mem-jazz-2']),
    relation(7, globex, 'LOCATED_IN', paris, '2025-06-01T09:00:00.000Z', null, ['mem-globex']),
  ],
}
