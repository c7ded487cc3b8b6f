import fc from 'fast-check'
import neo4j, { type Driver } from 'neo4j-driver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Scope } from '../../src/index.js'
import type { GraphStore } from '../../src/ports.js'
import { neo4jGraphStore } from '../contract/neo4j-backend.js'

// Two users' graphs, an agent-only and a run-only graph, and a node that is not an entity, all in
// one database. Relationships carry the scope properties of their scope, as Engram writes them.
const GRAPH = `
CREATE (a1:__Entity__ {name: 'Alice', key: 'alice', type: 'person', user_id: 'alice', mentions: 3}),
       (a2:__Entity__ {name: 'Paris', key: 'paris', type: 'city', user_id: 'alice', agent_id: 'planner', mentions: 1}),
       (a3:__Entity__ {name: 'Bob', key: 'bob', type: 'person', user_id: 'alice', run_id: 'r1', mentions: 2}),
       (a1)-[:LIVES_IN {user_id: 'alice', valid_to: null, mentions: 1}]->(a2),
       (a1)-[:KNOWS {user_id: 'alice', mentions: 2}]->(a3),
       (a3)-[:LIVES_IN {user_id: 'alice', valid_to: '2024-01-01', mentions: 1}]->(a2),
       (b1:__Entity__ {name: 'Bob', key: 'bob', type: 'person', user_id: 'bob', mentions: 5}),
       (b2:__Entity__ {name: 'secret', key: 'secret', type: 'thing', user_id: 'bob', agent_id: 'planner', mentions: 1}),
       (b3:__Entity__ {name: 'Paris', key: 'paris', type: 'city', user_id: 'bob', mentions: 4}),
       (b1)-[:KNOWS {user_id: 'bob', mentions: 1}]->(b2),
       (b1)-[:LIVES_IN {user_id: 'bob', mentions: 3}]->(b3),
       (b3)-[:KNOWS {user_id: 'bob', mentions: 1}]->(b1),
       (g1:__Entity__ {name: 'Planner notes', key: 'planner notes', type: 'note', agent_id: 'planner', mentions: 1}),
       (g2:__Entity__ {name: 'Rome', key: 'rome', type: 'city', agent_id: 'planner', mentions: 1}),
       (g1)-[:MENTIONS {agent_id: 'planner', mentions: 1}]->(g2),
       (r1:__Entity__ {name: 'Draft', key: 'draft', type: 'note', run_id: 'r1', mentions: 1}),
       (r2:__Entity__ {name: 'Zurich', key: 'zurich', type: 'city', run_id: 'r1', mentions: 1}),
       (r1)-[:MENTIONS {run_id: 'r1', mentions: 1}]->(r2),
       (:Other {name: 'outsider', user_id: 'alice'})
`
// Leaves only what {userId: 'alice'} can see: the world an unscoped query must then answer alike.
const ONLY_ALICE = `MATCH (n) WHERE NOT n:__Entity__ OR n.user_id IS NULL OR n.user_id <> 'alice' DETACH DELETE n`

const alice: Scope = { userId: 'alice' }

describe('memory.graph.cypher() confined to a scope (Neo4j)', () => {
  let store: GraphStore
  let driver: Driver
  const write = async (query: string) => {
    const session = driver.session()
    try {
      await session.run(query)
    } finally {
      await session.close()
    }
  }
  const read = (query: string, scope?: Scope, params: Record<string, unknown> = {}) => store.readCypher!(query, params, scope)
  const names = async (query: string, scope: Scope) => (await read(query, scope)).map((row) => row.name).sort()

  beforeAll(async () => {
    store = await neo4jGraphStore.open()
    driver = neo4j.driver(process.env.NEO4J_URI!, neo4j.auth.basic(process.env.NEO4J_USERNAME ?? 'neo4j', process.env.NEO4J_PASSWORD ?? ''))
    await write('MATCH (n) DETACH DELETE n')
    await write(GRAPH)
  })
  afterAll(async () => {
    await write('MATCH (n) DETACH DELETE n')
    await driver.close()
    await store.close()
  })

  it('answers filters and counts aimed at another user with nothing about that user', async () => {
    expect(await read("MATCH (n:__Entity__ {user_id: 'bob'}) RETURN count(n) AS c", alice)).toEqual([{ c: 0 }])
    // A boolean oracle: the answer must not depend on whether bob has an entity named 'secret'.
    for (const name of ['secret', 'no such name']) {
      expect(await read(`MATCH (a:__Entity__ {user_id: 'alice'}) MATCH (b:__Entity__ {user_id: 'bob', name: '${name}'}) RETURN a.name AS name`, alice)).toEqual([])
      expect(await read(`RETURN EXISTS { MATCH (n {name: '${name}'}) } AS e, COUNT { (m WHERE m.name = '${name}') } AS c`, alice)).toEqual([{ e: false, c: 0 }])
      expect(await read(`MATCH (a {key: 'alice'}) RETURN size([(x)--(y) WHERE y.name = '${name}' | y]) AS k`, alice)).toEqual([{ k: 0 }])
    }
    expect(await read('MATCH (n) RETURN count(n) AS c', alice)).toEqual([{ c: 3 }])
    expect(await read('MATCH ()-[r]->() RETURN count(r) AS c', alice)).toEqual([{ c: 3 }])
    expect(await read('MATCH (n:Other) RETURN count(n) AS c', alice)).toEqual([{ c: 0 }])
    expect(await read("MATCH (n) WHERE n.user_id = 'bob' OR (n)--({user_id: 'bob'}) RETURN count(n) AS c", alice)).toEqual([{ c: 0 }])
    expect(await read("MATCH p = (a {key: 'alice'})-[]-{1,3}(b) RETURN DISTINCT [n IN nodes(p) | n.user_id] AS owners", alice)).toSatisfy((rows: Array<{ owners: string[] }>) =>
      rows.length > 0 && rows.every((row) => row.owners.every((owner) => owner === 'alice')),
    )
    expect(await read("CALL { MATCH (n {user_id: 'bob'}) RETURN n } RETURN count(n) AS c", alice)).toEqual([{ c: 0 }])
    expect(await read("RETURN COLLECT { MATCH (n) RETURN n.name } AS all", alice)).toEqual([{ all: expect.arrayContaining(['Alice', 'Paris', 'Bob']) }])
  })

  it('evaluates the caller\'s predicates only on the scope\'s elements: an error cannot reveal another user\'s data', async () => {
    const probe = (name: string) => `1 / CASE WHEN n.name = '${name}' THEN 0 ELSE 1 END = 1`
    // Alice has no 'secret'; bob has. With the probe run on bob's entities the query would fail.
    expect(await read(`MATCH (n) WHERE ${probe('secret')} RETURN count(n) AS c`, alice)).toEqual([{ c: 3 }])
    expect(await read(`MATCH (n WHERE ${probe('secret')}) RETURN count(n) AS c`, alice)).toEqual([{ c: 3 }])
    expect(await read(`MATCH (n)-[r WHERE 1 / CASE WHEN r.mentions = 3 THEN 0 ELSE 1 END = 1]->() RETURN count(r) AS c`, alice)).toEqual([{ c: 3 }])
  })

  it('confines agent-only and run-only scopes by the ids they have', async () => {
    expect(await names('MATCH (n) RETURN n.name AS name', { agentId: 'planner' })).toEqual(['Paris', 'Planner notes', 'Rome', 'secret'])
    expect(await read('MATCH ()-[r]->() RETURN type(r) AS t', { agentId: 'planner' })).toEqual([{ t: 'MENTIONS' }])
    expect(await names('MATCH (n) RETURN n.name AS name', { runId: 'r1' })).toEqual(['Bob', 'Draft', 'Zurich'])
    expect(await read('MATCH (a)-[r]->(b) RETURN a.name AS a, b.name AS b', { runId: 'r1' })).toEqual([{ a: 'Draft', b: 'Zurich' }])
    expect(await names('MATCH (n) RETURN n.name AS name', { userId: 'alice', agentId: 'planner' })).toEqual(['Paris'])
    expect(await names("MATCH (n {user_id: 'alice'}) RETURN n.name AS name", { userId: 'bob' })).toEqual([])
  })

  it('refuses what cannot be confined, with INVALID_INPUT and the reason', async () => {
    const refusals: Array<[string, string, Record<string, unknown>?]> = [
      ['CALL db.labels() YIELD label RETURN label', 'procedure calls'],
      ["MATCH (n) RETURN apoc.cypher.runFirstColumnSingle('MATCH (m) RETURN count(m)', {}) AS c", 'apoc.cypher.runFirstColumnSingle'],
      ["LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", 'LOAD CSV'],
      ['USE neo4j MATCH (n) RETURN n', 'USE'],
      ['SHOW DATABASES', 'SHOW'],
      ['MATCH (a)-[*1..3]-(b) RETURN count(b) AS c', 'quantified relationship'],
      ['MATCH p = shortestPath((a)-[*]-(b)) RETURN p', 'SHORTEST 1'],
      ["CREATE (:__Entity__ {name: 'intruder', user_id: 'alice'})", 'read-only'],
      ['MATCH (n) SET n.name = 1', 'read-only'],
      ['MATCH (n) DETACH DELETE n', 'read-only'],
      ["MERGE (n:__Entity__ {key: 'x'})", 'read-only'],
      ['MATCH (n) USING SCAN n:__Entity__ RETURN n', 'hints'],
      ['RETURN 1; RETURN 2', 'one statement'],
      ['MATCH (n RETURN n', 'syntax error'],
      ['MATCH (__engram_1) RETURN 1', 'reserved'],
      ['RETURN $__engram_user_id AS u', 'reserved'],
      ['MATCH (n) RETURN n', 'reserved', { __engram_user_id: 'bob' }],
    ]
    for (const [query, reason, params] of refusals) {
      await expect(read(query, alice, params), query).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining(reason) })
    }
    expect(await read('MATCH (n) RETURN count(n) AS c', alice)).toEqual([{ c: 3 }])
  })

  it('unscoped, reads the whole database (read-only)', async () => {
    expect(await read('MATCH (n:__Entity__) RETURN count(n) AS c')).toEqual([{ c: 10 }])
    await expect(read("CREATE (:__Entity__ {name: 'intruder'})")).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('read-only') })
  })

  it('property: a generated query confined to alice answers as the same query unconfined over alice\'s data alone', async () => {
    const queries = fc.sample(queryArbitrary, { numRuns: RUNS, seed: 20261122 })
    const scoped: unknown[] = []
    for (const query of queries) scoped.push(normalise(await read(query, alice)))
    // The sample must tell answers apart, or agreeing on them would prove little (alice's graph is
    // three entities, so the answers repeat often).
    expect(new Set(scoped.map((rows) => JSON.stringify(rows))).size).toBeGreaterThan(10)
    await write(ONLY_ALICE)
    try {
      for (const [index, query] of queries.entries()) {
        expect(normalise(await read(query)), `query: ${query}`).toEqual(scoped[index])
      }
    } finally {
      await write('MATCH (n) DETACH DELETE n')
      await write(GRAPH)
    }
  }, 600_000)
})

// Generated queries, each confined, then run twice; the two phases share one build of each
// database. Each query is new to Neo4j's planner and costs 0.1–0.25 s on a 2-core machine, so
// the 1000 runs take a few minutes; ENGRAM_CYPHER_PROPERTY_RUNS sets another count.
const RUNS = Number(process.env.ENGRAM_CYPHER_PROPERTY_RUNS ?? 1000)

const values = fc.constantFrom("'alice'", "'bob'", "'Bob'", "'Paris'", "'secret'", "'planner'", "'r1'", '1', '2', '3', 'null')
const property = fc.constantFrom('name', 'key', 'type', 'user_id', 'agent_id', 'run_id', 'mentions')
const comparison = fc.constantFrom('=', '<>', '>=', '<', 'STARTS WITH')
const filter = (variable: string) =>
  fc.oneof(
    fc.tuple(property, comparison, values).map(([key, op, value]) => `${variable}.${key} ${op} ${value}`),
    property.map((key) => `${variable}.${key} IS NULL`),
  )
const map = fc.option(fc.tuple(property, values).map(([key, value]) => `{${key}: ${value}}`), { nil: undefined, freq: 3 })
const label = fc.constantFrom('', '', '', ':__Entity__', ':Other', ':__Entity__|Other')
const node = (variable: string) =>
  fc.tuple(label, map, fc.option(filter(variable), { nil: undefined, freq: 3 })).map(([l, m, where]) => `(${variable}${l}${m ? ` ${m}` : ''}${where ? ` WHERE ${where}` : ''})`)
const relType = fc.constantFrom('', '', ':KNOWS', ':LIVES_IN', ':MENTIONS', ':KNOWS|LIVES_IN')
const relationship = (variable: string) =>
  fc.tuple(fc.constantFrom('-', '<-'), relType, fc.option(filter(variable), { nil: undefined, freq: 3 }), fc.constantFrom('->', '-'), fc.constantFrom('', '{1,2}', '+'))
    .map(([left, type, where, right, quantifier]) => `${left}[${quantifier === '' ? variable : ''}${type}${where && quantifier === '' ? ` WHERE ${where}` : ''}]${right === '->' && left === '<-' ? '-' : right}${quantifier}`)
const path = fc.tuple(node('a'), fc.option(fc.tuple(relationship('r'), node('b')), { nil: undefined })).map(([a, rest]) => (rest ? `${a}${rest[0]}${rest[1]}` : a))
const returned = fc.constantFrom(
  'count(*) AS c',
  'collect(DISTINCT a.name) AS names',
  'sum(a.mentions) AS total',
  'count(DISTINCT a) AS c, max(a.key) AS top',
  'a.name AS name, COUNT { (a)--() } AS degree',
  'a.key AS key, [(a)-->(x) | x.name] AS out',
  "EXISTS { (a)--({name: 'secret'}) } AS linked",
)
const queryArbitrary = fc.oneof(
  fc.tuple(fc.boolean(), path, fc.option(filter('a'), { nil: undefined, freq: 3 }), returned).map(
    ([optional, pattern, where, ret]) => `${optional ? 'OPTIONAL ' : ''}MATCH ${pattern}${where ? ` WHERE ${where}` : ''} RETURN ${ret}`,
  ),
  fc.tuple(path, node('c')).map(([pattern, other]) => `MATCH ${pattern} MATCH ${other} RETURN count(*) AS c`),
  fc.tuple(node('a'), path.map((p) => p.replaceAll('(a', '(x').replaceAll('x.', 'x.'))).map(([a, inner]) => `MATCH ${a} WHERE EXISTS { MATCH ${inner.replace(/\bx\b/g, 'x')} } RETURN count(a) AS c`),
  fc.tuple(relType, filter('r')).map(([type, where]) => `MATCH ()-[r${type}]->() WHERE ${where} RETURN count(r) AS c`),
  filter('n').map((where) => `RETURN COUNT { MATCH (n) WHERE ${where} } AS c`),
)

/** Rows in a stable order with lists sorted, so that row order and collect() order do not matter. */
function normalise(rows: Array<Record<string, unknown>>): string[] {
  return rows.map((row) => JSON.stringify(row, (_key, value: unknown) => (Array.isArray(value) ? [...value].map(String).sort() : value))).sort()
}
