import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Memory } from '../../src/index.js'
import type { Scope } from '../../src/input.js'
import type { ChatRequest } from '../../src/ports.js'
import { MEMORY_BACKENDS } from '../contract/backends.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { openTempMemory } from '../helpers/temp-memory.js'
import { PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from './hostile-strings.js'

/*
 * docs/contract.md: a read with scope S never returns data written under a scope S does not see. Random
 * writes (verbatim and inferred, so the graph is written too) and scoped deletes go to scopes
 * drawn from overlapping user, agent and run ids; after each one, every kind of read under a
 * random scope is checked against a model of visibility that knows everything written so far. The
 * store is shared by all runs, so every read also meets what earlier runs left behind.
 */

const FIELDS = ['userId', 'agentId', 'runId'] as const
const IDS = { userId: ['u1', 'u2'], agentId: ['a1', 'a2'], runId: ['r1', 'r2'] } as const

/** Any scope with at least one id: 26 of them, sharing ids so that they overlap. */
const scopeArbitrary = fc
  .record({ userId: fc.constantFrom(...IDS.userId), agentId: fc.constantFrom(...IDS.agentId), runId: fc.constantFrom(...IDS.runId) }, { requiredKeys: [] })
  .filter((scope) => Object.keys(scope).length > 0) as fc.Arbitrary<Scope>

/** The read rule: every id the reader names must be the writer's. */
const sees = (reader: Scope, writer: Scope) => FIELDS.every((field) => reader[field] === undefined || reader[field] === writer[field])

type Read = 'getAll' | 'search' | 'get' | 'history' | 'export'
const READS: Read[] = ['getAll', 'search', 'get', 'history', 'export']
type Change = { kind: 'verbatim' | 'inferred' | 'deleteAll'; scope: Scope }

/** One run: a write or a scoped delete, then every kind of read under one scope, side by side. */
const runArbitrary = fc.record({
  change: fc.record({ kind: fc.constantFrom<Change['kind']>('verbatim', 'verbatim', 'verbatim', 'inferred', 'inferred', 'deleteAll'), scope: scopeArbitrary }),
  reader: scopeArbitrary,
  pick: fc.nat(),
})

interface WrittenMemory {
  id: string
  text: string
  scope: Scope
  deleted: boolean
}

/**
 * The relation the inferred write of word `w<n>` creates: from "alice" or "bob", which recur in
 * every scope (so resolution must keep to the add's exact scope), to an entity of its own.
 */
const relationOf = (word: string) => ({ source: Number(word.slice(1)) % 2 === 0 ? 'alice' : 'bob', destination: `${word}x ${word}y ${word}z` })

/** The model: everything written so far, with its scope. */
class Written {
  readonly memories: WrittenMemory[] = []
  relations: Array<{ source: string; destination: string; scope: Scope }> = []
  /** Entities by exact scope and name: one node per name in each exact scope. */
  entities = new Map<string, { name: string; scope: Scope }>()
  next = 0

  visibleMemories(reader: Scope): WrittenMemory[] {
    return this.memories.filter((memory) => !memory.deleted && sees(reader, memory.scope))
  }

  visibleRelations(reader: Scope) {
    return this.relations.filter((relation) => sees(reader, relation.scope))
  }

  visibleEntityNames(reader: Scope): string[] {
    return [...this.entities.values()].filter((entity) => sees(reader, entity.scope)).map((entity) => entity.name)
  }

  addRelation(relation: { source: string; destination: string }, scope: Scope): void {
    this.relations.push({ ...relation, scope })
    for (const name of [relation.source, relation.destination]) this.entities.set(`${JSON.stringify(scope)}\u0000${name}`, { name, scope })
  }

  deleteAll(reader: Scope): void {
    for (const memory of this.visibleMemories(reader)) memory.deleted = true
    this.relations = this.relations.filter((relation) => !sees(reader, relation.scope))
    for (const [key, entity] of this.entities) if (sees(reader, entity.scope)) this.entities.delete(key)
  }
}

/**
 * The model's answers: each fact is the conversation's word, each graph one relation (relationOf).
 * The newest word in a request is the one being added (stored ones are shown beside it).
 */
function scriptedModel(): ScriptedLLM {
  const word = (request: ChatRequest) => {
    const numbers = [
      ...request.messages
        .map((message) => message.content)
        .join('\n')
        .matchAll(/\bw(\d+)/g),
    ].map((match) => Number(match[1]))
    return `w${Math.max(...numbers)}`
  }
  return new ScriptedLLM({
    extract_facts: (request) => ({ facts: [`fact ${word(request)}`] }),
    update_memory: (request) => ({ memory: [{ id: 'new', text: `fact ${word(request)}`, event: 'ADD' }] }),
    extract_graph: (request) => {
      const { source, destination } = relationOf(word(request))
      return {
        entities: [
          { name: source, type: 'thing' },
          { name: destination, type: 'thing' },
        ],
        relations: [{ source, relationship: 'LINKS_TO', destination }],
      }
    },
    // The new relation touches alice or bob, who already have relations: the model adds it.
    required: (request) => ({
      toolCalls: [{ name: 'add_relation', arguments: JSON.stringify({ ...relationOf(word(request)), relationship: 'LINKS_TO' }) }],
      text: '',
    }),
  })
}

describe.each(MEMORY_BACKENDS)('$name: scope isolation', (backend) => {
  let memory: Memory
  let dispose: () => Promise<void>
  const written = new Written()
  const llm = scriptedModel()

  beforeAll(async () => {
    ;({ memory, dispose } = await openTempMemory({ llm, embedder: new HashEmbedder(1024) }, {}, backend))
  })
  afterAll(() => dispose())

  async function change(step: Change): Promise<void> {
    if (step.kind === 'deleteAll') {
      await memory.deleteAll(step.scope)
      written.deleteAll(step.scope)
      return
    }
    written.next += 1
    const word = `w${written.next}`
    const inferred = step.kind === 'inferred'
    const result = await memory.add(`note ${word}`, { ...step.scope, infer: inferred })
    expect(result.errors).toBeUndefined()
    for (const item of result.results) written.memories.push({ id: item.id, text: item.memory, scope: step.scope, deleted: false })
    if (!inferred) return
    expect(result.relations.added.map(({ source, destination }) => ({ source, destination }))).toEqual([relationOf(word)])
    written.addRelation(relationOf(word), step.scope)
  }

  async function check(read: Read, scope: Scope, pick: number): Promise<void> {
    const visible = written.visibleMemories(scope)
    const relationLines = (relations: Array<{ source: string; destination: string }>) =>
      relations.map(({ source, destination }) => `${source} → ${destination}`).sort()
    switch (read) {
      case 'getAll': {
        const all = await memory.getAll({ ...scope, limit: 10_000 })
        expect(all.results.map((item) => item.id).sort()).toEqual(visible.map((item) => item.id).sort())
        expect(relationLines(all.relations)).toEqual(relationLines(written.visibleRelations(scope)))
        return
      }
      case 'search': {
        const query = written.memories[pick % Math.max(written.memories.length, 1)]?.text ?? 'note'
        const found = await memory.search(`${query} w1a`, { ...scope, limit: 50 })
        const allowed = new Set(visible.map((item) => item.id))
        for (const result of found.results) expect(allowed.has(result.id), `${result.memory} under ${JSON.stringify(scope)}`).toBe(true)
        const allowedRelations = new Set(relationLines(written.visibleRelations(scope)))
        for (const relation of [...found.relations, ...found.relations.flatMap((hit) => hit.path ?? [])]) {
          expect(allowedRelations.has(relationLines([relation])[0]!), `${relation.source} under ${JSON.stringify(scope)}`).toBe(true)
        }
        return
      }
      case 'get':
      case 'history': {
        const target = written.memories[pick % Math.max(written.memories.length, 1)]
        if (target === undefined) return
        const canSee = sees(scope, target.scope)
        if (read === 'get') {
          expect((await memory.get(target.id, scope))?.id ?? null).toBe(canSee && !target.deleted ? target.id : null)
          expect((await memory.get(target.id))?.id ?? null).toBe(target.deleted ? null : target.id)
        } else {
          const entries = await memory.history(target.id, scope)
          // deleteAll is the only deletion here, and it erases the memory's history with it.
          expect(entries.length > 0).toBe(canSee && !target.deleted)
          for (const entry of entries) expect(sees(scope, entry)).toBe(true)
        }
        return
      }
      case 'export': {
        const graph = JSON.parse(await memory.graph.export(scope, 'json')) as {
          entities: Array<{ id: string; name: string }>
          relations: Array<{ source: string; destination: string }>
        }
        const names = new Map(graph.entities.map((entity) => [entity.id, entity.name]))
        const expected = written.visibleRelations(scope)
        expect([...names.values()].sort()).toEqual(written.visibleEntityNames(scope).sort())
        expect(
          relationLines(graph.relations.map((relation) => ({ source: names.get(relation.source)!, destination: names.get(relation.destination)! }))),
        ).toEqual(relationLines(expected))
        return
      }
    }
  }

  it(
    'never lets a read see another scope’s memories, history or graph',
    async () => {
      await fc.assert(
        fc.asyncProperty(runArbitrary, async ({ change: step, reader, pick }) => {
          await change(step)
          await Promise.all(READS.map((read) => check(read, reader, pick)))
        }),
        { numRuns: PROPERTY_RUNS },
      )
      // The graph-update step ran, so entity resolution met names that recur across scopes.
      expect(llm.callsTo('add_relation').length).toBeGreaterThan(0)
    },
    PROPERTY_TIMEOUT_MS,
  )
})
