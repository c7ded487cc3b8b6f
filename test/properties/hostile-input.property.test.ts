import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngramError, type Memory } from '../../src/index.js'
import { MAX_SCOPE_ID_LENGTH, type Metadata, type Scope } from '../../src/input.js'
import { RELATIONSHIP_TYPE_PATTERN } from '../../src/normalize.js'
import { MAX_MEMORY_TEXT_LENGTH, MAX_NAME_LENGTH } from '../../src/prompts/model-output-limits.js'
import type { LLM } from '../../src/ports.js'
import { MEMORY_BACKENDS } from '../contract/backends.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { openTempMemory } from '../helpers/temp-memory.js'
import { hostileText, invalidText, isStorableText, PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from './hostile-strings.js'

/*
 * Hostile public input through Memory on every backend: whatever the text, an add either stores it
 * and every read returns it unchanged, or it is refused with INVALID_INPUT and nothing is written.
 * The expectations below are an independent model of the documented rules (README "Input" and
 * "Limits"), not a copy of the zod schemas.
 */

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8')

/** Mostly plain ids (so most scopes are valid), often hostile ones, sometimes invalid or too long. */
const scopeId = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }) },
  { weight: 3, arbitrary: hostileText },
  { weight: 1, arbitrary: invalidText },
)
const scopeArbitrary = fc.record({ userId: scopeId, agentId: scopeId, runId: scopeId }, { requiredKeys: [] })

const metadataKey = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '_') },
  { weight: 1, arbitrary: hostileText },
)
const metadataValue = fc.oneof(hostileText, fc.double(), fc.integer(), fc.boolean(), fc.constant(null))
/** Built with Object.fromEntries, so "__proto__" is an own key as it would be after JSON.parse. */
const metadataArbitrary = fc
  .uniqueArray(fc.tuple(metadataKey, metadataValue), { selector: ([key]) => key, maxLength: 5 })
  .map((entries) => Object.fromEntries(entries) as Record<string, unknown>)

const content = fc.oneof({ weight: 5, arbitrary: hostileText }, { weight: 1, arbitrary: invalidText })

function isValidScope(scope: Scope): boolean {
  const ids = Object.values(scope)
  return ids.length > 0 && ids.every((id) => id.length >= 1 && id.length <= MAX_SCOPE_ID_LENGTH && isStorableText(id))
}

/** The metadata as stored, or null when the README's rules refuse it. */
function storedMetadata(metadata: Record<string, unknown>): Metadata | null {
  const entries = Object.entries(metadata)
  if (entries.length > 64 || utf8Bytes(JSON.stringify(metadata)) > 16_384) return null
  const stored: Metadata = {}
  for (const [key, value] of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(key) || key === '__proto__') return null
    if (typeof value === 'string' && (!isStorableText(value) || utf8Bytes(value) > 4096)) return null
    if (typeof value === 'number' && !Number.isFinite(value)) return null
    // JSON has no −0: it is stored as 0.
    stored[key] = value === 0 ? 0 : (value as Metadata[string])
  }
  return stored
}

const isValidQuery = (query: string) => isStorableText(query) && query.trim() !== '' && utf8Bytes(query.trim()) <= 16_384

/** The error a call failed with, or the value it returned. */
const settle = <T>(promise: Promise<T>): Promise<T | EngramError> => promise.catch((error: unknown) => error as EngramError)

function expectInvalidInput(outcome: unknown): void {
  expect(outcome).toBeInstanceOf(EngramError)
  expect((outcome as EngramError).code, (outcome as Error).message).toBe('INVALID_INPUT')
}

describe.each(MEMORY_BACKENDS)('$name: hostile input through Memory', (backend) => {
  let memory: Memory
  let dispose: () => Promise<void>
  // Each run of the model-output property scripts its own answers.
  let model: LLM = new ScriptedLLM({})
  const llm: LLM = { model: 'scripted', chat: (request) => model.chat(request) }

  beforeAll(async () => {
    ;({ memory, dispose } = await openTempMemory({ llm, embedder: new HashEmbedder(1024) }, {}, backend))
  })
  afterAll(() => dispose())

  it(
    'stores hostile message text, metadata and scope ids exactly, or refuses them with INVALID_INPUT',
    async () => {
      await fc.assert(
        fc.asyncProperty(scopeArbitrary, content, metadataArbitrary, async (scope, text, metadata) => {
          const expected = storedMetadata(metadata)
          const valid = isValidScope(scope) && isStorableText(text) && text.trim() !== '' && expected !== null
          const added = await settle(memory.add([{ role: 'user', content: text }], { ...scope, metadata: metadata as Metadata, infer: false }))
          if (!valid) {
            if (!(added instanceof Error) && isValidScope(scope)) await memory.deleteAll(scope)
            return expectInvalidInput(added)
          }
          if (added instanceof Error) throw added
          expect(added.results).toEqual([{ id: expect.any(String), memory: text, event: 'ADD' }])
          const id = added.results[0]!.id
          try {
            const item = await memory.get(id)
            expect(item).toMatchObject({ memory: text, ...scope })
            expect(item!.metadata).toStrictEqual(expected)
            const listed = await memory.getAll({ ...scope, filters: expected! })
            expect(listed.results.map((result) => result.id)).toEqual([id])
            expect(listed.results[0]).toStrictEqual(item)
            if (isValidQuery(text)) {
              // The scope holds this one memory, and the vector half of the search ranks every memory of the scope.
              const found = await memory.search(text, { ...scope, filters: expected! })
              expect(found.results.map((result) => result.id)).toEqual([id])
            }
            expect((await memory.history(id)).map(({ event, newMemory, userId, agentId, runId }) => ({ event, newMemory, userId, agentId, runId }))).toEqual([
              { event: 'ADD', newMemory: text, userId: scope.userId, agentId: scope.agentId, runId: scope.runId },
            ])
          } finally {
            await memory.deleteAll(scope)
          }
          expect(await memory.get(id)).toBeNull()
        }),
        { numRuns: PROPERTY_RUNS },
      )
    },
    PROPERTY_TIMEOUT_MS,
  )

  it(
    'stores what a hostile model answers only in normalised, storable form',
    async () => {
      let run = 0
      const modelAnswers = fc.record({
        facts: fc.array(fc.oneof(hostileText, invalidText), { minLength: 1, maxLength: 3 }),
        names: fc.array(fc.oneof(hostileText, invalidText), { minLength: 2, maxLength: 4 }),
        relationships: fc.array(fc.oneof(hostileText, fc.constantFrom('LIVES_IN', 'worksAt', 'sister of')), { minLength: 1, maxLength: 3 }),
      })
      await fc.assert(
        fc.asyncProperty(modelAnswers, async ({ facts, names, relationships }) => {
          run += 1
          const scope = { userId: `model-output-${run}` }
          const graph = {
            entities: names.map((name, index) => ({ name, type: relationships[index % relationships.length]! })),
            relations: names
              .slice(1)
              .map((destination, index) => ({ source: names[index]!, relationship: relationships[index % relationships.length]!, destination })),
          }
          model = new ScriptedLLM({
            extract_facts: () => ({ facts }),
            extract_graph: () => graph,
            required: () => ({ toolCalls: [{ name: 'noop', arguments: '{}' }], text: '' }),
          })
          // docs/limits.md: a fact over 2,000 characters, a name or relationship over 256, is refused.
          const graphTexts = [
            ...graph.entities.flatMap((entity) => [entity.name, entity.type]),
            ...graph.relations.flatMap((relation) => Object.values(relation)),
          ]
          const overLong = facts.some((fact) => fact.length > MAX_MEMORY_TEXT_LENGTH) || graphTexts.some((text) => text.length > MAX_NAME_LENGTH)
          try {
            const outcome = await memory.add('tell me about them', { ...scope }).catch((error: unknown) => error)
            expect(outcome instanceof EngramError).toBe(overLong)
            if (outcome instanceof EngramError) {
              // Refused whole (the combined extraction fails the add), never stored cut.
              expect(outcome).toMatchObject({ code: 'LLM_BAD_OUTPUT', message: expect.stringContaining('Too big') })
              expect(await memory.getAll({ ...scope })).toEqual({ results: [], relations: [] })
              return
            }
            const added = outcome as Awaited<ReturnType<Memory['add']>>
            for (const problem of added.errors ?? []) expect(problem.message).toMatch(/cannot be normalised|no facts|ignored/)
            for (const result of added.results) {
              expect(isStorableText(result.memory)).toBe(true)
              expect((await memory.get(result.id))?.memory).toBe(result.memory)
            }
            for (const relation of added.relations.added) {
              expect(relation.relationship).toMatch(RELATIONSHIP_TYPE_PATTERN)
              expect(isStorableText(relation.source) && isStorableText(relation.destination)).toBe(true)
            }
            const graph = JSON.parse(await memory.graph.export(scope, 'json')) as { entities: Array<{ name: string }>; relations: unknown[] }
            expect(graph.relations).toHaveLength(added.relations.added.length)
            for (const entity of graph.entities) expect(isStorableText(entity.name)).toBe(true)
          } finally {
            await memory.deleteAll(scope)
          }
        }),
        { numRuns: PROPERTY_RUNS },
      )
    },
    PROPERTY_TIMEOUT_MS,
  )

  it(
    'answers hostile queries and filters without a query error, inside the scope only',
    async () => {
      const scope = { userId: 'hostile-query-owner' }
      const other = { userId: 'hostile-query-other' }
      const seeded = ['`) MATCH (n) DETACH DELETE n //', "' OR 1=1 --", '"; DROP TABLE memories; --', 'NEAR(a b) OR c*', 'שלום \u202e עולם', 'plain tea']
      await memory.add(
        seeded.map((text) => ({ role: 'user' as const, content: text })),
        { ...scope, infer: false, metadata: { kind: '\'"`\\' } },
      )
      await memory.add(
        seeded.map((text) => ({ role: 'user' as const, content: text })),
        { ...other, infer: false, metadata: { kind: '\'"`\\' } },
      )
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof({ weight: 5, arbitrary: hostileText }, { weight: 1, arbitrary: invalidText }),
            metadataArbitrary,
            fc.integer({ min: 0, max: 4 }),
            async (query, filters, hops) => {
              const expectedFilters = storedMetadata(filters)
              const found = await settle(memory.search(query, { ...scope, filters: filters as Metadata, hops }))
              if (!isValidQuery(query) || expectedFilters === null) return expectInvalidInput(found)
              if (found instanceof Error) throw found
              for (const result of found.results) {
                expect(result.userId).toBe(scope.userId)
                expect(seeded).toContain(result.memory)
                for (const [key, value] of Object.entries(expectedFilters)) expect(result.metadata[key]).toStrictEqual(value)
              }
              if (Object.keys(expectedFilters).length === 0) expect(found.results.length).toBeGreaterThan(0)
            },
          ),
          { numRuns: PROPERTY_RUNS },
        )
        expect((await memory.getAll(scope)).results.map((item) => item.memory).sort()).toEqual([...seeded].sort())
      } finally {
        await memory.deleteAll(scope)
        await memory.deleteAll(other)
      }
    },
    PROPERTY_TIMEOUT_MS,
  )
})
