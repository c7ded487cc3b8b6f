import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EntityMirror } from '../../src/adapters/neo4j/entity-mirror.js'
import { Neo4jConnection } from '../../src/adapters/neo4j/neo4j-connection.js'
import { scopeValues } from '../../src/adapters/graph-records.js'
import type { Scope } from '../../src/input.js'
import { entityKey } from '../../src/normalize.js'
import type { GraphStore, Vector } from '../../src/ports.js'
import { neo4jGraphStore } from '../contract/neo4j-backend.js'
import { selectedBackends } from '../setup/backend-selection.js'

/*
 * The Neo4j store's entity mirror (src/adapters/neo4j/entity-mirror.ts) under its memory bound:
 * scopes dropped to stay within it are read again in full when next searched, so answers never
 * depend on what the mirror happened to keep.
 */

const axis = (index: number): Vector => Float32Array.from({ length: 8 }, (_, at) => (at === index ? 1 : 0))
const scopes: Scope[] = ['ann', 'ben', 'cat'].map((userId) => ({ userId }))

describe.runIf(selectedBackends().has('neo4j'))('Neo4j entity mirror', () => {
  let store: GraphStore
  let connection: Neo4jConnection

  beforeAll(async () => {
    store = await neo4jGraphStore.open()
    connection = await Neo4jConnection.open({ url: process.env.NEO4J_URI!, username: process.env.NEO4J_USERNAME, password: process.env.NEO4J_PASSWORD })
    // Each scope: two entities, on its own pair of axes.
    for (const [index, scope] of scopes.entries()) {
      const entities = [0, 1].map((offset) => ({
        key: entityKey(`${scope.userId} ${offset}`),
        name: `${scope.userId} ${offset}`,
        type: 'person',
        vector: axis(2 * index + offset),
      }))
      await store.apply({ scope, now: new Date().toISOString(), entities, relations: [] })
    }
  })
  afterAll(async () => {
    await store.reset()
    await store.close()
    await connection.close()
  })

  it('answers every scope exactly while holding fewer vectors than all of them', async () => {
    // Room for one scope's two 8-d vectors: each search evicts the scope searched before.
    const mirror = new EntityMirror(connection, 16)
    for (const round of [0, 1]) {
      for (const [index, scope] of scopes.entries()) {
        const [found] = await mirror.nearest([axis(2 * index + round)], 1, 0.9, scopeValues(scope))
        expect(found?.map((hit) => hit.entity.name)).toEqual([`${scope.userId} ${round}`])
      }
    }
  })

  it('sees an entity written after the scope was dropped and read again', async () => {
    const mirror = new EntityMirror(connection, 16)
    const [ann, ben] = scopes as [Scope, Scope]
    await mirror.nearest([axis(0)], 1, 0.9, scopeValues(ann))
    await mirror.nearest([axis(2)], 1, 0.9, scopeValues(ben)) // drops ann
    await store.apply({
      scope: ann,
      now: new Date().toISOString(),
      entities: [{ key: 'ann new', name: 'ann new', type: 'person', vector: axis(7) }],
      relations: [],
    })
    const [found] = await mirror.nearest([axis(7)], 1, 0.9, scopeValues(ann))
    expect(found?.map((hit) => hit.entity.name)).toEqual(['ann new'])
  })
})
