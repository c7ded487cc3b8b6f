import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { AddResult, ChatRequest, EngramConfig, Memory } from '../../src/index.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { ScriptedLLM, toolCall } from '../doubles/scripted-llm.js'
import { MEMORY_BACKENDS } from '../contract/backends.js'
import { openTempMemory } from '../helpers/temp-memory.js'

type Triple = [string, string, string]
const graphArgs = (entities: Array<[string, string]>, relations: Array<Triple | [string, string, string, string]>) => ({
  entities: entities.map(([name, type]) => ({ name, type })),
  relations: relations.map(([source, relationship, destination, validFrom]) => ({
    source,
    relationship,
    destination,
    ...(validFrom !== undefined ? { valid_from: validFrom } : {}),
  })),
})
const triples = (relations: Array<{ source: string; relationship: string; destination: string }>) =>
  relations.map((relation) => `${relation.source} ${relation.relationship} ${relation.destination}`).sort()
const promptOf = (request: ChatRequest) => request.messages.map((message) => message.content).join('\n')

describe.each(MEMORY_BACKENDS)('$name: graph pipeline (scripted LLM)', (backend) => {
  let dispose: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dispose?.()
    dispose = undefined
  })
  let dataDir = ''
  async function open(llm: ScriptedLLM, clock?: () => Date, embedder?: HashEmbedder, graph?: EngramConfig['graph']): Promise<Memory> {
    const opened = await openTempMemory({ llm, ...(clock ? { clock } : {}), ...(embedder ? { embedder } : {}) }, graph ? { graph } : {}, backend)
    dispose = opened.dispose
    dataDir = opened.dataDir
    return opened.memory
  }
  /** Graph audit rows, read straight from the embedded history database. */
  function graphHistory(): Array<{ target: string; event: string; new_value: string | null; user_id: string | null; memory_ids: string | null }> {
    const db = new Database(join(dataDir, 'history.db'), { readonly: true })
    try {
      return db.prepare("SELECT target, event, new_value, user_id, memory_ids FROM history WHERE target <> 'memory' ORDER BY seq").all() as never
    } finally {
      db.close()
    }
  }

  /** Resolves each step once both have started; one after the other, they would time out. */
  function meetingPoint(): (step: string) => Promise<void> {
    const started = new Set<string>()
    let release!: () => void
    const bothStarted = new Promise<void>((resolve) => (release = resolve))
    return async (step) => {
      started.add(step)
      if (started.size === 2) release()
      await Promise.race([bothStarted, new Promise((_, reject) => setTimeout(() => reject(new Error(`${step} ran alone`)), 3000))])
    }
  }

  it('extracts facts and graph in one call, then runs both decision steps side by side: two round trips', async () => {
    const meet = meetingPoint()
    const llm = new ScriptedLLM({
      extract_memories: [
        {
          facts: ['Works at Acme'],
          ...graphArgs(
            [
              ['alice', 'person'],
              ['Acme', 'organization'],
            ],
            [['alice', 'WORKS_AT', 'Acme']],
          ),
        },
        {
          facts: ['Works at Globex'],
          ...graphArgs(
            [
              ['alice', 'person'],
              ['Globex', 'organization'],
            ],
            [['alice', 'WORKS_AT', 'Globex']],
          ),
        },
      ],
      update_memory: async () => {
        await meet('update_memory')
        return { memory: [{ id: '0', text: 'Works at Globex', event: 'UPDATE', old_memory: 'Works at Acme' }] }
      },
      required: async () => {
        await meet('graph update')
        return toolCall('update_relation', { source: 'alice', relationship: 'WORKS_AT', destination: 'Acme', new_destination: 'Globex' })
      },
    })
    const memory = await open(llm)
    const first = await memory.add('I work at Acme', { userId: 'alice' })
    expect(llm.requests.map((request) => request.tools.map((tool) => tool.name).join('+'))).toEqual(['extract_memories'])
    expect(first.relations.added[0]!.memoryIds).toEqual([first.results[0]!.id])
    const moved = await memory.add('I work at Globex now', { userId: 'alice' })
    expect(moved.errors).toBeUndefined()
    expect(moved.results).toMatchObject([{ event: 'UPDATE', memory: 'Works at Globex' }])
    expect(triples(moved.relations.invalidated)).toEqual(['alice WORKS_AT Acme'])
    expect(triples(moved.relations.added)).toEqual(['alice WORKS_AT Globex'])
    expect(llm.requests).toHaveLength(4)
    // The graph's prompt used the combined instructions with the user's name for "I".
    expect(promptOf(llm.requests[0]!)).toContain('"alice"')
  })

  it('with graph.extraction "separate", extract_facts and extract_graph are both in flight at once', async () => {
    const meet = meetingPoint()
    const llm = new ScriptedLLM({
      extract_facts: async () => {
        await meet('facts')
        return { facts: ['Works at Acme'] }
      },
      extract_graph: async () => {
        await meet('graph')
        return graphArgs(
          [
            ['alice', 'person'],
            ['Acme', 'organization'],
          ],
          [['alice', 'WORKS_AT', 'Acme']],
        )
      },
    })
    const memory = await open(llm, undefined, undefined, { extraction: 'separate' })
    const result = await memory.add('I work at Acme', { userId: 'alice' })
    expect(result.errors).toBeUndefined()
    expect(result.results.map((event) => event.memory)).toEqual(['Works at Acme'])
    expect(triples(result.relations.added)).toEqual(['alice WORKS_AT Acme'])
    // Provenance: the relation cites the memory the same add stored.
    expect(result.relations.added[0]!.memoryIds).toEqual([result.results[0]!.id])
  })

  it('asks the graph-update step only when a relation may contradict a stored one (graph.updateOn "conflict")', async () => {
    const llm = new ScriptedLLM({
      extract_facts: () => ({ facts: [] }),
      extract_graph: [
        graphArgs(
          [
            ['alice', 'person'],
            ['Paris', 'city'],
          ],
          [['alice', 'LIVES_IN', 'Paris']],
        ),
        graphArgs(
          [
            ['alice', 'person'],
            ['Paris', 'city'],
          ],
          [['alice', 'LIVES_IN', 'Paris']],
        ), // a repeat
        graphArgs(
          [
            ['alice', 'person'],
            ['jazz', 'music'],
          ],
          [['alice', 'LIKES', 'jazz']],
        ), // new beside
        graphArgs(
          [
            ['alice', 'person'],
            ['Berlin', 'city'],
          ],
          [['alice', 'LIVES_IN', 'Berlin']],
        ), // same source and type
        graphArgs(
          [
            ['alice', 'person'],
            ['jazz', 'music'],
          ],
          [['jazz', 'BORES', 'alice']],
        ), // same ends, reversed
      ],
      required: [
        toolCall('update_relation', { source: 'alice', relationship: 'LIVES_IN', destination: 'Paris', new_destination: 'Berlin' }),
        toolCall('delete_relation', { source: 'alice', relationship: 'LIKES', destination: 'jazz' }),
      ],
    })
    const memory = await open(llm)
    const graphUpdates = () => llm.callsTo('noop').length
    await memory.add('I live in Paris', { userId: 'alice' })
    const repeat = await memory.add('Paris is home', { userId: 'alice' })
    expect(triples(repeat.relations.updated)).toEqual(['alice LIVES_IN Paris'])
    const beside = await memory.add('I like jazz', { userId: 'alice' })
    expect(triples(beside.relations.added)).toEqual(['alice LIKES jazz'])
    expect(graphUpdates()).toBe(0)
    const moved = await memory.add('I moved to Berlin', { userId: 'alice' })
    expect(graphUpdates()).toBe(1)
    expect(triples(moved.relations.invalidated)).toEqual(['alice LIVES_IN Paris'])
    const bored = await memory.add('Jazz bores me', { userId: 'alice' })
    expect(graphUpdates()).toBe(2)
    expect(triples(bored.relations.invalidated)).toEqual(['alice LIKES jazz'])
    const relations = JSON.parse(await memory.graph.export({ userId: 'alice' }, 'json')).relations as Array<{ relationship: string; mentions: number }>
    expect(relations.find((relation) => relation.relationship === 'LIVES_IN' && relation.mentions === 2)).toBeDefined()
  })

  it('normalises names and relationship types, maps first person to the user, and drops what cannot be normalised', async () => {
    const hostile = ['works "for"', 'likes `x`', '})-[:OWNS]->(', '喜欢', '🎸 plays', 'x'.repeat(200), "'; DROP TABLE relations; --"]
    const llm = new ScriptedLLM({
      extract_facts: [{ facts: [] }],
      extract_graph: [
        graphArgs(
          [
            ['I', 'person'],
            ['  Acme   Corp ', 'organization'],
            ['Guitar', 'instrument'],
          ],
          [['I', 'works at', '  Acme   Corp '], ['my', 'plays', 'Guitar'], ['me', 'knows', 'me'], ...hostile.map((type): Triple => ['I', type, 'Guitar'])],
        ),
      ],
    })
    const memory = await open(llm)
    const result = await memory.add('I work at Acme Corp and play guitar', { userId: 'alice' })
    expect(result.relations.added.map((relation) => relation.relationship).sort()).toEqual(
      ['DROP_TABLE_RELATIONS', 'LIKES_X', 'OWNS', 'PLAYS', 'WORKS_AT', 'WORKS_FOR'].sort(),
    )
    for (const relation of result.relations.added) {
      expect(relation.relationship).toMatch(/^[A-Z][A-Z0-9_]{0,63}$/)
      expect(relation.source).toBe('alice')
    }
    expect(result.relations.added.find((relation) => relation.relationship === 'WORKS_AT')).toMatchObject({
      destination: 'Acme Corp',
      destinationType: 'organization',
    })
    // CJK has no Latin spelling, a 200-letter word is no verb phrase, and the emoji type keeps only "PLAYS" (already asserted once).
    expect(result.errors).toEqual([
      { stage: 'graph', message: expect.stringContaining('喜欢') },
      { stage: 'graph', message: expect.stringContaining('"xxxx') },
    ])
    const exported = JSON.parse(await memory.graph.export({ userId: 'alice' }, 'json'))
    expect(exported.entities.map((entity: { name: string }) => entity.name).sort()).toEqual(['Acme Corp', 'Guitar', 'alice'])
  })

  it('asks the update step only when relations touch entities with relations, showing them with small ids', async () => {
    const llm = new ScriptedLLM({
      extract_facts: () => ({ facts: [] }),
      extract_graph: [
        graphArgs(
          [
            ['alice', 'person'],
            ['Acme', 'organization'],
          ],
          [['alice', 'WORKS_AT', 'Acme']],
        ),
        graphArgs(
          [
            ['bob', 'person'],
            ['Paris', 'city'],
          ],
          [['bob', 'LIVES_IN', 'Paris']],
        ),
        graphArgs(
          [
            ['alice', 'person'],
            ['Globex', 'organization'],
          ],
          [['alice', 'WORKS_AT', 'Globex']],
        ),
      ],
      required: (request: ChatRequest) => {
        expect(promptOf(request)).toContain('0: alice -- WORKS_AT --> Acme')
        expect(promptOf(request)).toContain('- alice -- WORKS_AT --> Globex')
        return {
          toolCalls: [
            {
              name: 'update_relation',
              arguments: JSON.stringify({ source: 'alice', relationship: 'WORKS_AT', destination: 'Acme', new_destination: 'Globex' }),
            },
          ],
          text: '',
        }
      },
    })
    let now = new Date('2025-01-10T09:00:00Z')
    const memory = await open(llm, () => now)
    await memory.add('I work at Acme', { userId: 'alice', observedAt: '2025-01-10T09:00:00Z' })
    await memory.add('bob lives in Paris', { userId: 'alice', observedAt: '2025-02-01T09:00:00Z' })
    expect(llm.callsTo('add_relation')).toHaveLength(0) // neither add touched an entity with relations
    now = new Date('2025-06-01T09:00:00Z')
    const change = await memory.add('I moved to Globex', { userId: 'alice', observedAt: '2025-06-01T09:00:00Z' })
    expect(llm.callsTo('add_relation')).toHaveLength(1)
    expect(llm.callsTo('add_relation')[0]!.toolChoice).toEqual({ type: 'required' })
    expect(triples(change.relations.invalidated)).toEqual(['alice WORKS_AT Acme'])
    expect(change.relations.invalidated[0]!.validTo).toBe('2025-06-01T09:00:00.000Z')
    expect(triples(change.relations.added)).toEqual(['alice WORKS_AT Globex'])

    // The old employer is kept, invalid; getAll shows valid relations only.
    expect(triples((await memory.getAll({ userId: 'alice' })).relations)).toEqual(['alice WORKS_AT Globex', 'bob LIVES_IN Paris'])
    const now_ = await memory.search('Where does alice work?', { userId: 'alice' })
    expect(triples(now_.relations)).toContain('alice WORKS_AT Globex')
    expect(triples(now_.relations)).not.toContain('alice WORKS_AT Acme')
    const before = await memory.search('Where does alice work?', { userId: 'alice', asOf: '2025-03-01T00:00:00Z' })
    expect(triples(before.relations)).toContain('alice WORKS_AT Acme')
    expect(triples(before.relations)).not.toContain('alice WORKS_AT Globex')
  })

  it('delete_relation invalidates; re-asserting revives as a new interval; repeats increment mentions', async () => {
    const likes = graphArgs(
      [
        ['alice', 'person'],
        ['jazz', 'music'],
      ],
      [['alice', 'LIKES', 'jazz']],
    )
    const llm = new ScriptedLLM({
      extract_facts: () => ({ facts: [] }),
      extract_graph: [
        likes,
        graphArgs(
          [
            ['alice', 'person'],
            ['jazz', 'music'],
          ],
          [['alice', 'likes', 'Jazz']],
        ),
        likes,
        likes,
      ],
      required: [
        toolCall('noop', {}), // a paraphrased repeat: the model sees nothing new
        toolCall('delete_relation', { source: 'alice', relationship: 'LIKES', destination: 'jazz', reason: 'bored of it' }),
        toolCall('add_relation', { source: 'alice', relationship: 'LIKES', destination: 'jazz' }),
      ],
    })
    // Every add touching a related entity asks the model, so it may end a relation the extraction repeats.
    const memory = await open(llm, undefined, undefined, { updateOn: 'touch' })
    await memory.add('I like jazz', { userId: 'alice', observedAt: '2025-01-01T00:00:00Z' })
    const repeat = await memory.add('Jazz is great', { userId: 'alice', observedAt: '2025-02-01T00:00:00Z' })
    expect(repeat.relations.updated).toHaveLength(1)
    const reinforced = JSON.parse(await memory.graph.export({ userId: 'alice' }, 'json'))
    expect(reinforced.relations).toHaveLength(1)
    expect(reinforced.relations[0].mentions).toBe(2)

    const ended = await memory.add('I am bored of jazz', { userId: 'alice', observedAt: '2025-03-01T00:00:00Z' })
    expect(ended.relations.invalidated).toMatchObject([{ relationship: 'LIKES', validTo: '2025-03-01T00:00:00.000Z' }])
    expect((await memory.getAll({ userId: 'alice' })).relations).toEqual([])

    const again = await memory.add('I like jazz again', { userId: 'alice', observedAt: '2025-05-01T00:00:00Z' })
    expect(again.relations.added).toMatchObject([{ relationship: 'LIKES', validFrom: '2025-05-01T00:00:00.000Z', validTo: null }])
    const intervals = JSON.parse(await memory.graph.export({ userId: 'alice' }, 'json')).relations
    expect(intervals.map((relation: { validFrom: string; validTo: string | null }) => [relation.validFrom, relation.validTo]).sort()).toEqual([
      ['2025-01-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z'],
      ['2025-05-01T00:00:00.000Z', null],
    ])
    const during = await memory.search('what does alice like', { userId: 'alice', asOf: '2025-04-01T00:00:00Z' })
    expect(during.relations).toEqual([])
  })

  it('answers a two-hop question: where does the person Alice manages live', async () => {
    const llm = new ScriptedLLM({
      extract_facts: [{ facts: ['Alice manages Bob'] }, { facts: ['Bob lives in Paris'] }],
      extract_graph: [
        graphArgs(
          [
            ['Alice', 'person'],
            ['Bob', 'person'],
          ],
          [['Alice', 'MANAGES', 'Bob']],
        ),
        graphArgs(
          [
            ['Bob', 'person'],
            ['Paris', 'city'],
          ],
          [['Bob', 'LIVES_IN', 'Paris']],
        ),
      ],
      update_memory: [{ memory: [{ id: 'new', text: 'Bob lives in Paris', event: 'ADD' }] }],
      required: [toolCall('add_relation', { source: 'Bob', relationship: 'LIVES_IN', destination: 'Paris' })],
    })
    const memory = await open(llm)
    await memory.add('Alice manages Bob', { userId: 'u1' })
    const second = await memory.add('Bob lives in Paris', { userId: 'u1' })
    const paris = second.results[0]!.id

    const found = await memory.search('Where does the person Alice manages live?', { userId: 'u1' })
    const hit = found.relations.find((relation) => relation.relationship === 'LIVES_IN')
    expect(hit).toMatchObject({ source: 'Bob', destination: 'Paris', hops: 2 })
    expect(hit!.path!.map((step) => step.relationship)).toEqual(['MANAGES', 'LIVES_IN'])
    expect(hit!.score).toBeGreaterThan(0)
    // The fact behind the 2-hop relation is boosted by the graph, and says so.
    const fact = found.results.find((result) => result.id === paris)
    expect(fact?.explain?.graph).toBeGreaterThan(0)

    const oneHop = await memory.search('Where does the person Alice manages live?', { userId: 'u1', hops: 1 })
    expect(oneHop.relations.map((relation) => relation.relationship)).toEqual(['MANAGES'])
  })

  it('keeps graphs of different scopes apart', async () => {
    const llm = new ScriptedLLM({
      extract_facts: () => ({ facts: [] }),
      extract_graph: (request: ChatRequest) =>
        promptOf(request).includes('"alice"')
          ? graphArgs(
              [
                ['alice', 'person'],
                ['Acme', 'organization'],
              ],
              [['alice', 'WORKS_AT', 'Acme']],
            )
          : graphArgs(
              [
                ['bob', 'person'],
                ['Acme', 'organization'],
              ],
              [['bob', 'WORKS_AT', 'Acme']],
            ),
    })
    const memory = await open(llm)
    await memory.add('I work at Acme', { userId: 'alice' })
    await memory.add('I work at Acme', { userId: 'bob' })
    expect(triples((await memory.getAll({ userId: 'alice' })).relations)).toEqual(['alice WORKS_AT Acme'])
    expect(triples((await memory.search('who works at Acme', { userId: 'bob' })).relations)).toEqual(['bob WORKS_AT Acme'])
    const aliceGraph = JSON.parse(await memory.graph.export({ userId: 'alice' }, 'json'))
    expect(aliceGraph.entities.map((entity: { name: string }) => entity.name).sort()).toEqual(['Acme', 'alice'])
    await memory.deleteAll({ userId: 'alice' })
    expect((await memory.getAll({ userId: 'alice' })).relations).toEqual([])
    expect(triples((await memory.getAll({ userId: 'bob' })).relations)).toEqual(['bob WORKS_AT Acme'])
  })

  it('delete(id) removes relations whose only provenance was that memory, without an LLM call', async () => {
    const llm = new ScriptedLLM({
      extract_facts: [{ facts: ['Works at Acme', 'Lives in Oslo'] }, { facts: ['Has a sister Anna in Oslo'] }],
      update_memory: [
        {
          memory: [
            { id: '0', text: 'Lives in Oslo', event: 'NONE' },
            { id: 'n', text: 'Has a sister Anna in Oslo', event: 'ADD' },
          ],
        },
      ],
      extract_graph: [
        graphArgs(
          [
            ['alice', 'person'],
            ['Acme', 'org'],
            ['Oslo', 'city'],
          ],
          [
            ['alice', 'WORKS_AT', 'Acme'],
            ['alice', 'LIVES_IN', 'Oslo'],
          ],
        ),
        graphArgs(
          [
            ['alice', 'person'],
            ['Oslo', 'city'],
            ['Anna', 'person'],
          ],
          [
            ['alice', 'LIVES_IN', 'Oslo'],
            ['Anna', 'LIVES_IN', 'Oslo'],
          ],
        ),
      ],
      required: [toolCall('add_relation', { source: 'Anna', relationship: 'LIVES_IN', destination: 'Oslo' })],
    })
    const memory = await open(llm)
    const first = await memory.add('I work at Acme and live in Oslo', { userId: 'alice' })
    const acme = first.results.find((event) => event.memory === 'Works at Acme')!.id
    const oslo = first.results.find((event) => event.memory === 'Lives in Oslo')!.id
    const second = await memory.add('my sister Anna lives in Oslo too', { userId: 'alice' })
    const anna = second.results[0]!.id
    const livesIn = (await memory.getAll({ userId: 'alice' })).relations.find((relation) => relation.source === 'alice' && relation.relationship === 'LIVES_IN')
    expect(livesIn?.memoryIds?.sort()).toEqual([oslo].sort()) // reinforced, cited by the confirmed memory

    const calls = llm.requests.length
    await memory.delete(acme)
    expect(llm.requests.length).toBe(calls)
    expect(triples((await memory.getAll({ userId: 'alice' })).relations)).toEqual(['Anna LIVES_IN Oslo', 'alice LIVES_IN Oslo'])
    const history = await memory.history(acme)
    expect(history.map((entry) => entry.event)).toEqual(['ADD', 'DELETE'])

    await memory.delete(anna)
    expect(triples((await memory.getAll({ userId: 'alice' })).relations)).toEqual(['alice LIVES_IN Oslo'])
  })

  it('uses observedAt as today for the models, as the start of relations, and stores it on the memories', async () => {
    const llm = new ScriptedLLM({
      extract_facts: [{ facts: ['Works at Acme'] }],
      extract_graph: [
        graphArgs(
          [
            ['alice', 'person'],
            ['Acme', 'organization'],
          ],
          [['alice', 'WORKS_AT', 'Acme']],
        ),
      ],
    })
    const memory = await open(llm, () => new Date('2026-11-22T10:00:00Z'))
    const result = await memory.add('I work at Acme', { userId: 'alice', observedAt: new Date('2019-03-04T05:06:07Z') })
    for (const request of llm.requests) expect(request.messages[0]!.content).toContain("Today's date: 2019-03-04.")
    expect(result.relations.added[0]!.validFrom).toBe('2019-03-04T05:06:07.000Z')
    expect(await memory.get(result.results[0]!.id)).toMatchObject({ observedAt: '2019-03-04T05:06:07.000Z', createdAt: '2026-11-22T10:00:00.000Z' })
  })

  it('merges a new name into a similar entity of the scope and records the merge', async () => {
    const llm = new ScriptedLLM({
      extract_facts: () => ({ facts: [] }),
      extract_graph: [
        graphArgs(
          [
            ['alice', 'person'],
            ['Acme Corp', 'organization'],
          ],
          [['alice', 'WORKS_AT', 'Acme Corp']],
        ),
        graphArgs(
          [
            ['alice', 'person'],
            ['Acme-Corp', 'organization'],
          ],
          [['alice', 'WORKS_AT', 'Acme-Corp']],
        ),
      ],
      required: [toolCall('noop', {})],
    })
    const memory = await open(llm)
    await memory.add('I work at Acme Corp', { userId: 'alice' })
    const second = await memory.add('still at Acme-Corp', { userId: 'alice' })
    // Same words, so the test embedder gives similarity 1 ≥ 0.85: one node, one reinforced relation.
    expect(second.relations.updated).toMatchObject([{ destination: 'Acme Corp' }])
    const graph = JSON.parse(await memory.graph.export({ userId: 'alice' }, 'json'))
    expect(graph.entities.map((entity: { name: string }) => entity.name).sort()).toEqual(['Acme Corp', 'alice'])
    expect(graphHistory().filter((row) => row.event === 'ENTITY_MERGED')).toMatchObject([{ target: 'entity', new_value: 'Acme Corp' }])
  })

  it('answers read-only Cypher on Neo4j (the README inspection queries) and refuses writes; the embedded store says it cannot', async () => {
    const llm = new ScriptedLLM({
      extract_facts: () => ({ facts: [] }),
      extract_graph: [
        graphArgs(
          [
            ['alice', 'person'],
            ['Bob', 'person'],
          ],
          [['alice', 'MANAGES', 'Bob']],
        ),
        graphArgs(
          [
            ['Bob', 'person'],
            ['Paris', 'city'],
          ],
          [['Bob', 'LIVES_IN', 'Paris']],
        ),
      ],
      required: [toolCall('add_relation', { source: 'Bob', relationship: 'LIVES_IN', destination: 'Paris' })],
    })
    const memory = await open(llm)
    await memory.add('I manage Bob', { userId: 'alice' })
    await memory.add('Bob lives in Paris', { userId: 'alice' })
    if (backend.name === 'sqlite') {
      await expect(memory.graph.cypher('MATCH (n) RETURN n')).rejects.toMatchObject({ code: 'INVALID_CONFIG' })
      return
    }
    const user = { user: 'alice' }
    const scope = { userId: 'alice' }
    const entities = await memory.graph.cypher(
      'MATCH (e:__Entity__ {user_id: $user}) RETURN e.name AS name, e.type AS type, e.mentions AS mentions ORDER BY e.mentions DESC, e.name',
      user,
      scope,
    )
    expect(entities).toEqual([
      { name: 'Bob', type: 'person', mentions: 2 },
      { name: 'Paris', type: 'city', mentions: 1 },
      { name: 'alice', type: 'person', mentions: 1 },
    ])
    const valid = await memory.graph.cypher(
      'MATCH (s:__Entity__ {user_id: $user})-[r]->(d:__Entity__) WHERE r.valid_to IS NULL RETURN s.name AS source, type(r) AS relationship, d.name AS destination, r.valid_from AS since ORDER BY source',
      user,
      scope,
    )
    expect(valid.map((row) => `${row.source} ${row.relationship} ${row.destination}`)).toEqual(['Bob LIVES_IN Paris', 'alice MANAGES Bob'])
    const lastWeek = await memory.graph.cypher(
      "MATCH (s:__Entity__ {user_id: $user})-[r]->(d:__Entity__) WHERE datetime(r.updated_at) >= datetime() - duration('P7D') RETURN s.name AS source, type(r) AS relationship, d.name AS destination, r.valid_to AS until ORDER BY r.updated_at DESC",
      user,
      scope,
    )
    expect(lastWeek).toHaveLength(2)
    const path = await memory.graph.cypher(
      'MATCH p = SHORTEST 1 (a:__Entity__ {user_id: $user, key: $from})-[]-{1,4}(b:__Entity__ {user_id: $user, key: $to}) RETURN [n IN nodes(p) | n.name] AS names, [r IN relationships(p) | type(r)] AS relationships',
      { ...user, from: 'alice', to: 'paris' },
      scope,
    )
    expect(path).toEqual([{ names: ['alice', 'Bob', 'Paris'], relationships: ['MANAGES', 'LIVES_IN'] }])
    await expect(memory.graph.cypher("CREATE (:__Entity__ {name: 'intruder'})")).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('read-only'),
    })
    await expect(memory.graph.cypher('MATCH (n) DETACH DELETE n')).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(await memory.graph.cypher('MATCH (n:__Entity__ {user_id: $user}) RETURN count(n) AS n', user)).toEqual([{ n: 3 }])
    // Confined to another user, the same graph is invisible; an empty scope is not a scope.
    expect(await memory.graph.cypher('MATCH (n) RETURN count(n) AS n', {}, { userId: 'bob' })).toEqual([{ n: 0 }])
    await expect(memory.graph.cypher('MATCH (n) RETURN n', {}, {})).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(memory.graph.cypher('CALL db.labels()', {}, scope)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('procedure'),
    })
  })

  it('keeps concurrent adds to one scope in order: no lost update, one entity per key, every history row', async () => {
    // Each add says the user now likes fruit N. Run one after another (the per-scope queue), every
    // add sees the previous ones' memories and entities; overlapping, they would all see none.
    const count = 12
    let factCalls = 0
    const llm = new ScriptedLLM({
      extract_facts: () => ({ facts: [`Likes fruit ${factCalls++}`] }),
      update_memory: (request: ChatRequest) => ({ memory: [{ id: 'new', text: promptOf(request).match(/- (Likes fruit \d+)/)![1]!, event: 'ADD' }] }),
      extract_graph: (request: ChatRequest) => {
        // The fruit of this add's message, not of the earlier ones shown as context before it.
        const prompt = promptOf(request)
        const fruit = prompt.slice(prompt.lastIndexOf('Conversation:\n')).match(/fruit (\d+)/)![1]!
        return graphArgs(
          [
            ['alice', 'person'],
            [`fruit ${fruit}`, 'food'],
          ],
          [['alice', 'LIKES', `fruit ${fruit}`]],
        )
      },
      required: (request: ChatRequest) => {
        const added = promptOf(request).match(/- alice -- LIKES --> (fruit \d+)/)![1]!
        return toolCall('add_relation', { source: 'alice', relationship: 'LIKES', destination: added })
      },
    })
    // Wide hash vectors, so "fruit 3" and "fruit 11" do not collide and merge as one entity.
    const memory = await open(llm, undefined, new HashEmbedder(4096))
    const results = await Promise.all(Array.from({ length: count }, (_, index) => memory.add(`I like fruit ${index}`, { userId: 'alice' })))
    expect(results.every((result) => result.errors === undefined)).toBe(true)
    const stored = await memory.getAll({ userId: 'alice' })
    expect(stored.results).toHaveLength(count)
    expect(stored.relations).toHaveLength(count)
    // Every update prompt after the first saw all earlier memories: the adds did not overlap.
    const shown = llm.callsTo('update_memory').map((request) => (promptOf(request).match(/^\d+: /gm) ?? []).length)
    expect(shown).toEqual(Array.from({ length: count - 1 }, (_, index) => Math.min(index + 1, 5)))
    const graph = JSON.parse(await memory.graph.export({ userId: 'alice' }, 'json'))
    expect(graph.entities.filter((entity: { key: string }) => entity.key === 'alice')).toHaveLength(1)
    expect(graph.entities).toHaveLength(count + 1)
    for (const result of results) expect(await memory.history(result.results[0]!.id)).toHaveLength(1)
  })

  it('records graph operations in the history store and reports a failed graph stage without losing the facts', async () => {
    const llm = new ScriptedLLM({
      extract_facts: () => ({ facts: ['Likes tea'] }),
      extract_graph: [
        graphArgs(
          [
            ['alice', 'person'],
            ['tea', 'drink'],
          ],
          [['alice', 'LIKES', 'tea']],
        ),
        { toolCalls: [], text: 'no' },
        { toolCalls: [], text: 'still no' },
      ],
      update_memory: [{ memory: [{ id: '0', text: 'Likes tea', event: 'NONE' }] }],
    })
    // Separate extraction calls, so that the graph's can fail alone.
    const memory = await open(llm, undefined, undefined, { extraction: 'separate' })
    const first: AddResult = await memory.add('I like tea', { userId: 'alice' })
    expect(first.relations.added).toHaveLength(1)
    const rows = graphHistory()
    expect(rows.map((row) => `${row.target} ${row.event}`)).toEqual(['entity ENTITY_CREATED', 'entity ENTITY_CREATED', 'relation RELATION_ADDED'])
    expect(rows[2]).toMatchObject({ new_value: 'alice -- LIKES --> tea', user_id: 'alice', memory_ids: JSON.stringify([first.results[0]!.id]) })
    const failed = await memory.add('tea again', { userId: 'alice' })
    expect(failed.errors).toEqual([{ stage: 'graph', message: expect.stringContaining('extract_graph') }])
    expect((await memory.getAll({ userId: 'alice' })).results.map((item) => item.memory)).toEqual(['Likes tea'])
  })
})
