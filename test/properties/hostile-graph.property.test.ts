import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngramError } from '../../src/errors.js'
import {
  entityKey,
  entityName,
  MAX_ENTITY_NAME_LENGTH,
  MAX_RELATIONSHIP_WORDS,
  RELATIONSHIP_TYPE_PATTERN,
  relationshipType,
  SENTENCE_WORDS,
  UNTYPED_ENTITY,
} from '../../src/normalize.js'
import type { EntityWrite, GraphStore, RelationOp } from '../../src/ports.js'
import { GRAPH_STORE_BACKENDS } from '../contract/backends.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { hostileText, isStorableText, PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from './hostile-strings.js'

/*
 * Entity names, entity types and relationship types come from the LLM, so they reach the graph
 * stores as model output, not validated input. Here they go straight through the GraphStore port
 * the way the graph pipeline sends them (normalize.ts first): every name comes back exactly as
 * normalised, every relationship type is UPPER_SNAKE_CASE or refused, and a raw type that does not
 * match docs/contract.md is refused with INVALID_INPUT before anything is written.
 */

const embedder = new HashEmbedder()

/** Valid scope ids (public input has been validated before it reaches a store), hostile otherwise. */
const scopeId = hostileText.filter((id) => isStorableText(id) && id.length <= 256)
const scopeArbitrary = fc.record({ userId: scopeId, agentId: scopeId, runId: scopeId }, { requiredKeys: [] }).filter((scope) => Object.keys(scope).length > 0)

const name = fc.oneof({ weight: 4, arbitrary: hostileText }, { weight: 1, arbitrary: fc.constantFrom('I', 'my', ' Alice  ', 'ALICE', 'alice') })

describe('normalisation of model output', () => {
  const anyText = fc.oneof(hostileText, fc.string({ unit: 'binary' }))

  it('makes every relationship type UPPER_SNAKE_CASE or refuses it, and keeps a canonical one as it is', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        const type = relationshipType(raw)
        if (type === null) return
        expect(type).toMatch(RELATIONSHIP_TYPE_PATTERN)
        expect(relationshipType(type)).toBe(type)
      }),
      { numRuns: PROPERTY_RUNS },
    )
    // Canonical: a short verb phrase (see normalize.ts) with no run of underscores and none at the end, which normalisation folds away.
    const canonical = fc
      .stringMatching(/^[A-Z][A-Z0-9]{1,7}(_[A-Z][A-Z0-9]{0,7}){0,4}$/)
      .filter((type) => !type.split('_').some((word) => SENTENCE_WORDS.has(word)))
    fc.assert(
      fc.property(canonical, (type) => {
        expect(relationshipType(type)).toBe(type)
      }),
      { numRuns: PROPERTY_RUNS },
    )
    fc.assert(
      // A pronoun or a joining word anywhere, or one word too many, makes it a sentence: refused.
      fc.property(canonical, fc.constantFrom(...SENTENCE_WORDS), fc.nat(), (type, word, at) => {
        const words = type.split('_')
        words.splice(at % (words.length + 1), 0, word)
        expect(relationshipType(words.join('_'))).toBeNull()
        expect(relationshipType([...type.split('_'), 'X', 'Y', 'Z', 'W', 'V'].slice(0, MAX_RELATIONSHIP_WORDS + 1).join('_'))).toBeNull()
      }),
      { numRuns: PROPERTY_RUNS },
    )
  })

  it('gives every name a storable display name and a stable, bounded key', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        const displayed = entityName(raw)
        const key = entityKey(raw)
        expect(isStorableText(displayed) && isStorableText(key)).toBe(true)
        expect(entityName(displayed)).toBe(displayed)
        expect(entityKey(displayed)).toBe(key)
        expect(entityKey(key)).toBe(key)
        expect([...key].length).toBeLessThanOrEqual(MAX_ENTITY_NAME_LENGTH)
        expect(key).toBe(key.trim())
      }),
      { numRuns: PROPERTY_RUNS },
    )
  })
})

describe.each(GRAPH_STORE_BACKENDS)('$name: hostile names and types through the graph store', (backend) => {
  let store: GraphStore

  beforeAll(async () => {
    store = await backend.open()
  })
  afterAll(async () => {
    await store.reset()
    await store.close()
  })

  it(
    'stores normalised hostile names exactly and only whitelisted relationship types',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          scopeArbitrary,
          fc.array(fc.tuple(name, hostileText), { minLength: 2, maxLength: 4 }),
          fc.array(hostileText, { minLength: 1, maxLength: 3 }),
          async (scope, named, rawRelationships) => {
            const entities = uniqueEntities(await entityWrites(named))
            const types = rawRelationships.map(relationshipType)
            for (const type of types) if (type !== null) expect(type).toMatch(RELATIONSHIP_TYPE_PATTERN)
            const asserts = pairs(entities).flatMap(([source, destination], index): RelationOp[] => {
              const type = types[index % types.length]
              return type === null || type === undefined ? [] : [assertOp(source.key, type, destination.key)]
            })
            try {
              await store.apply({ scope, now: new Date().toISOString(), entities, relations: asserts })
              const stored = await store.entitiesByKey(
                scope,
                entities.map((entity) => entity.key),
              )
              expect(
                stored.map(({ key, name: storedName, type, scope: storedScope }) => ({ key, name: storedName, type, scope: storedScope })).sort(byKey),
              ).toEqual(entities.map(({ key, name: written, type }) => ({ key, name: written, type, scope })).sort(byKey))
              const relations = await store.relations({ scope, validOnly: false, limit: 100 })
              const line = (source: string, type: string, destination: string) => `${source}\u0000${type}\u0000${destination}`
              expect(relations.map((relation) => line(relation.source.name, relation.relationship, relation.destination.name)).sort()).toEqual(
                [
                  ...new Set(
                    asserts.map((op) => {
                      const assert = op as Extract<RelationOp, { op: 'assert' }>
                      const nameOf = (key: string) => entities.find((entity) => entity.key === key)!.name
                      return line(nameOf(assert.sourceKey), assert.relationship, nameOf(assert.destinationKey))
                    }),
                  ),
                ].sort(),
              )
              // A raw type is never spliced: one outside the whitelist is refused and nothing is written.
              for (const raw of rawRelationships.filter((type) => !RELATIONSHIP_TYPE_PATTERN.test(type))) {
                const [source, destination] = entities.map((entity) => entity.key)
                const refused = await store
                  .apply({ scope, now: new Date().toISOString(), entities: [], relations: [assertOp(source ?? 'a', raw, destination ?? 'b')] })
                  .then(
                    () => undefined,
                    (error: unknown) => error,
                  )
                expect(refused).toBeInstanceOf(EngramError)
                expect((refused as EngramError).code).toBe('INVALID_INPUT')
              }
              expect(await store.relations({ scope, validOnly: false, limit: 100 })).toHaveLength(relations.length)
            } finally {
              await store.deleteScope(scope)
            }
          },
        ),
        { numRuns: PROPERTY_RUNS },
      )
    },
    PROPERTY_TIMEOUT_MS,
  )
})

/** Entities as the graph pipeline writes them: normalised name and key, keyed type; unkeyable names dropped. */
async function entityWrites(named: Array<[string, string]>): Promise<EntityWrite[]> {
  const kept = named
    .map(([raw, type]) => ({ key: entityKey(raw), name: entityName(raw), type: entityKey(type) || UNTYPED_ENTITY }))
    .filter((entity) => entity.key !== '')
  const vectors = await embedder.embed(kept.map((entity) => entity.name))
  return kept.map((entity, index) => ({ ...entity, vector: vectors[index]! }))
}

/** One write per key, the first, as extract-graph.ts keeps them. */
function uniqueEntities(entities: EntityWrite[]): EntityWrite[] {
  const byKey = new Map<string, EntityWrite>()
  for (const entity of entities) if (!byKey.has(entity.key)) byKey.set(entity.key, entity)
  return [...byKey.values()]
}

/** Consecutive pairs of entities: the relations of a chain. */
function pairs<T>(items: T[]): Array<[T, T]> {
  return items.slice(1).map((item, index) => [items[index]!, item])
}

function assertOp(sourceKey: string, relationship: string, destinationKey: string): RelationOp {
  return { op: 'assert', sourceKey, relationship, destinationKey, validFrom: '2024-01-01T00:00:00.000Z', memoryIds: ['m1'] }
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
