import { Tiktoken } from 'js-tiktoken/lite'
import cl100k from 'js-tiktoken/ranks/cl100k_base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ContextResult, Memory } from '../../src/index.js'
import { renderContext } from '../../src/context/format-context.js'
import { MEMORY_BACKENDS } from '../contract/backends.js'
import { ScriptedLLM, toolCall } from '../doubles/scripted-llm.js'
import { openTempMemory } from '../helpers/temp-memory.js'

/** An independent count in the encoding the block is documented to use. */
const encoding = new Tiktoken(cl100k)
const tokens = (text: string) => encoding.encode(text, [], []).length

const ana = (place: string) => ({
  facts: [`Ana works at the ${place}`],
  entities: [
    { name: 'Ana', type: 'person' },
    { name: place, type: 'organization' },
  ],
  relations: [{ source: 'Ana', relationship: 'WORKS_AT', destination: place }],
})

describe.each(MEMORY_BACKENDS)('$name: memory.context', (backend) => {
  let memory: Memory
  let dispose: () => Promise<void>
  const scope = { userId: 'alice' }

  beforeAll(async () => {
    const llm = new ScriptedLLM({
      extract_memories: [ana('bakery'), ana('clinic')],
      update_memory: [{ memory: [{ id: '0', text: 'Ana works at the clinic', event: 'UPDATE', old_memory: 'Ana works at the bakery' }] }],
      required: [toolCall('update_relation', { source: 'Ana', relationship: 'WORKS_AT', destination: 'bakery', new_destination: 'clinic' })],
    })
    ;({ memory, dispose } = await openTempMemory({ llm, clock: () => new Date('2026-01-01T00:00:00Z') }, {}, backend))
    await memory.add('Ana got a job at the bakery', { ...scope, observedAt: '2024-01-02T09:00:00Z' })
    await memory.add('Ana left the bakery, she works at the clinic now', { ...scope, observedAt: '2025-03-14T18:30:00Z' })
    // Verbatim notes, dated one day apart, so that budgets have many items to cut among.
    for (let day = 1; day <= 24; day += 1) {
      const observedAt = `2025-05-${String(day).padStart(2, '0')}T12:00:00Z`
      await memory.add(`Ana mentioned note ${day} about the clinic rota and her shifts`, { ...scope, infer: false, observedAt })
    }
  })
  afterAll(() => dispose())

  it('shows each fact with the day it was stated and each relation with the day it began', async () => {
    const { text, items } = await memory.context('When did Ana start at the clinic?', scope, { maxTokens: 4000 })
    expect(text).toContain('- 2025-03-14: Ana works at the clinic')
    expect(text).toContain('- Ana WORKS_AT clinic (since 2025-03-14)')
    expect(text).toContain('- 2025-05-07: Ana mentioned note 7 about the clinic rota and her shifts')
    const fact = items.find((item) => item.line === '2025-03-14: Ana works at the clinic')
    expect(fact).toMatchObject({ kind: 'fact', id: expect.any(String), score: expect.any(Number) })
    expect(items.find((item) => item.kind === 'relation')).toMatchObject({ line: 'Ana WORKS_AT clinic (since 2025-03-14)' })
  })

  it('shows what a newer fact or relation superseded when the query concerns it', async () => {
    const { text, items } = await memory.context('Where does Ana work?', scope, { maxTokens: 4000 })
    expect(text).toContain('No longer true (superseded by newer information):')
    expect(text).toContain('- Ana WORKS_AT bakery (2024-01-02 to 2025-03-14)')
    expect(text).toContain('- until 2025-03-14: Ana works at the bakery')
    const clinic = items.find((item) => item.kind === 'fact' && item.line.endsWith('Ana works at the clinic'))!
    expect(items.find((item) => item.kind === 'superseded_fact')).toMatchObject({ memoryId: clinic.id, score: clinic.score })
    // The superseded lines come after what superseded them.
    const position = (kind: string) => items.findIndex((item) => item.kind === kind)
    expect(position('superseded_relation')).toBeGreaterThan(position('relation'))
    expect(position('superseded_fact')).toBeGreaterThan(items.indexOf(clinic))
  })

  it('leaves out ended relations the query does not concern', async () => {
    // One fact only: the query about rotas finds a note, no relation of Ana, and names no entity.
    const { text, items } = await memory.context('rota note 3', scope, { maxTokens: 4000, limit: 1, hops: 0 })
    expect(items.map((item) => item.kind)).toEqual(['fact'])
    expect(text).not.toContain('bakery')
  })

  it('respects maxTokens exactly: the block fits, and the next item would not', async () => {
    const query = 'What do we know about Ana and the clinic?'
    const all = await memory.context(query, scope, { maxTokens: 100_000, limit: 40 })
    expect(all.items.length).toBeGreaterThan(25)
    const full = tokens(all.text)
    let cuts = 0
    for (let maxTokens = 1; maxTokens <= full + 5; maxTokens += maxTokens < 60 ? 1 : 7) {
      const block = await memory.context(query, scope, { maxTokens, limit: 40 })
      expect(tokens(block.text)).toBeLessThanOrEqual(maxTokens)
      expect(block.tokens).toBe(tokens(block.text))
      expect(block.items).toEqual(all.items.slice(0, block.items.length))
      expect(block.text).toBe(renderContext(block.items))
      if (block.items.length < all.items.length) {
        cuts += 1
        expect(tokens(renderContext(all.items.slice(0, block.items.length + 1)))).toBeGreaterThan(maxTokens)
      }
    }
    expect(cuts).toBeGreaterThan(20)
  })

  it('is deterministic', async () => {
    const runs: ContextResult[] = []
    for (let run = 0; run < 3; run += 1) runs.push(await memory.context('Where does Ana work?', scope, { maxTokens: 300 }))
    expect(runs[1]).toEqual(runs[0])
    expect(runs[2]).toEqual(runs[0])
    expect(runs[0]!.items.length).toBeGreaterThan(3)
  })

  it('carries observedAt and since-dates into search results', async () => {
    const { results } = await memory.search('note 7 clinic rota', { ...scope, limit: 3 })
    expect(results.find((result) => result.memory.includes('note 7 '))?.observedAt).toBe('2025-05-07T12:00:00.000Z')
    const found = await memory.search('Where does Ana work?', scope)
    expect(found.results.find((result) => result.memory === 'Ana works at the clinic')?.observedAt).toBe('2025-03-14T18:30:00.000Z')
    // A relation's since-date is the day of the conversation that stated it, and search names the relation.
    expect(found.relations.find((relation) => relation.destination === 'clinic')).toMatchObject({
      id: expect.any(String),
      validFrom: '2025-03-14T18:30:00.000Z',
      validTo: null,
    })
  })

  it('refuses a budget that is not a positive whole number, and an empty scope', async () => {
    await expect(memory.context('Ana', scope, { maxTokens: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(memory.context('Ana', scope, { maxTokens: 2.5 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(memory.context('Ana', {})).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})
