import type { Document } from '@langchain/core/documents'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Memory } from '../../src/index.js'
import { createMemoryTools, type EngramDocumentMetadata, EngramRetriever } from '../../src/integrations/langchain/index.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { openTempMemory } from '../helpers/temp-memory.js'

const ALICE = { userId: 'alice' }

/** An LLM that turns "Alice works at Acme" into one fact and one relation. */
const worksAtAcme = () =>
  new ScriptedLLM({
    extract_facts: [{ facts: ['Works at Acme'] }],
    extract_graph: [
      {
        entities: [
          { name: 'alice', type: 'person' },
          { name: 'Acme', type: 'company' },
        ],
        relations: [{ source: 'alice', relationship: 'works_at', destination: 'Acme' }],
      },
    ],
  })

describe('engram/langchain', () => {
  let memory: Memory
  let dispose: () => Promise<void>
  beforeEach(async () => {
    ;({ memory, dispose } = await openTempMemory({ llm: worksAtAcme() }))
  })
  afterEach(() => dispose())

  describe('EngramRetriever', () => {
    it('returns facts, then relations as lines, with scores and provenance in metadata', async () => {
      const added = await memory.add('I work at Acme', ALICE)
      const factId = added.results[0]!.id
      await memory.add('Bob plays the guitar', { ...ALICE, infer: false })

      const docs = await new EngramRetriever(memory, { ...ALICE, limit: 5 }).invoke('Does alice work at Acme?')
      const [fact, ...rest] = docs
      expect(fact).toMatchObject({ id: factId, pageContent: 'Works at Acme', metadata: { kind: 'fact', id: factId, userId: 'alice', metadata: {} } })
      expect(fact!.metadata.score).toBeGreaterThan(0)
      const relation = rest.find((doc) => doc.metadata.kind === 'relation') as Document<Extract<EngramDocumentMetadata, { kind: 'relation' }>>
      expect(relation.pageContent).toMatch(/^alice WORKS_AT Acme \(since \d{4}-/)
      expect(relation.metadata).toMatchObject({ source: 'alice', relationship: 'WORKS_AT', destination: 'Acme', hops: 1, memoryIds: [factId] })
      expect(relation.metadata.score).toBeGreaterThan(0)
      // Facts come first, each list in its own ranking order.
      const kinds = docs.map((doc) => doc.metadata.kind)
      expect(kinds).toEqual([...kinds].sort((a, b) => (a === b ? 0 : a === 'fact' ? -1 : 1)))
    })

    it('sees only its scope, and leaves relations out when told to', async () => {
      await memory.add('I work at Acme', ALICE)
      expect(await new EngramRetriever(memory, { userId: 'bob' }).invoke('Does alice work at Acme?')).toEqual([])
      const factsOnly = await new EngramRetriever(memory, { ...ALICE, relations: false }).invoke('Does alice work at Acme?')
      expect(factsOnly.map((doc) => doc.metadata.kind)).toEqual(['fact'])
    })

    it('refuses to be built without a scope', () => {
      expect(() => new EngramRetriever(memory, {})).toThrow(/one of userId, agentId or runId is required/)
    })
  })

  describe('createMemoryTools', () => {
    const toolsFor = (scope: { userId: string }, options = {}) => {
      const tools = createMemoryTools(memory, { ...scope, ...options })
      const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]))
      return (name: string, args: Record<string, unknown>) => byName[name]!.invoke(args) as Promise<string>
    }

    it('offers remember, recall, recall_context, forget and inspect_graph with zod schemas', () => {
      const tools = createMemoryTools(memory, ALICE)
      expect(tools.map((tool) => tool.name)).toEqual(['remember', 'recall', 'recall_context', 'forget', 'inspect_graph'])
      expect(tools.every((tool) => typeof (tool.schema as { safeParse?: unknown }).safeParse === 'function')).toBe(true)
    })

    it('remembers through the pipelines, recalls with ids and relations, inspects the graph', async () => {
      const use = toolsFor(ALICE)
      const remembered = await use('remember', { text: 'I work at Acme' })
      const id = (await memory.getAll(ALICE)).results[0]!.id
      expect(remembered).toBe(`ADD ${id}: Works at Acme`)

      const recalled = await use('recall', { query: 'Does alice work at Acme?' })
      const day = new Date().toISOString().slice(0, 10)
      expect(recalled).toMatch(new RegExp(`^Memories:\\n- ${id} \\(${day}\\): Works at Acme\\nRelations:\\n- alice WORKS_AT Acme \\(since `))
      expect(await use('recall_context', { query: 'Does alice work at Acme?' })).toBe(
        `Facts (each with the day it was stated):\n- ${day}: Works at Acme\nRelations valid now:\n- alice WORKS_AT Acme (since ${day})`,
      )
      expect(await use('inspect_graph', {})).toMatch(/^alice WORKS_AT Acme/)
      expect(await use('inspect_graph', { entity: 'acme' })).toMatch(/^alice WORKS_AT Acme/)
      expect(await use('inspect_graph', { entity: 'Globex' })).toBe('No relations of Globex are known.')
    })

    it('forgets by id, and an id of another scope is not found and stays', async () => {
      const alice = toolsFor(ALICE, { infer: false })
      const bob = toolsFor({ userId: 'bob' }, { infer: false })
      await alice('remember', { text: 'Alice likes green tea', metadata: { topic: 'drinks' } })
      const [stored] = (await memory.getAll(ALICE)).results
      expect(stored).toMatchObject({ memory: 'Alice likes green tea', metadata: { topic: 'drinks' } })

      expect(await bob('forget', { id: stored!.id })).toBe(`Error NOT_FOUND: no memory with id "${stored!.id}" in this scope`)
      expect(await bob('recall', { query: 'green tea' })).toBe('Nothing in memory matches.')
      expect(await bob('recall_context', { query: 'green tea' })).toBe('Nothing in memory matches.')
      expect(await memory.get(stored!.id)).not.toBeNull()

      expect(await alice('forget', { id: stored!.id })).toBe(`Forgot memory ${stored!.id}.`)
      expect(await memory.get(stored!.id)).toBeNull()
      expect(await alice('remember', { text: 'Alice likes green tea' })).toMatch(/^ADD /)
    })

    it('turns Engram errors into answers and rejects arguments outside the schema', async () => {
      const { memory: noLLM, dispose: disposeNoLLM } = await openTempMemory()
      try {
        const [remember] = createMemoryTools(noLLM, ALICE)
        expect(await remember!.invoke({ text: 'I like tea' })).toMatch(/^Error LLM_UNAVAILABLE: .*OPENAI_API_KEY/)
      } finally {
        await disposeNoLLM()
      }
      const use = toolsFor(ALICE)
      await expect(use('recall', { query: '' })).rejects.toThrow(/did not match expected schema/)
      await expect(use('forget', {})).rejects.toThrow(/did not match expected schema/)
    })
  })
})
