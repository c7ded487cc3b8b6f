import { describe, expect, it } from 'vitest'
import type { AddResult, Memory } from '../../src/index.js'
import { MEMORY_BACKENDS } from '../contract/backends.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { openTempMemory } from '../helpers/temp-memory.js'
import { addNumberOf, conversationLLM, conversationOf } from './conversation-llm.js'

/*
 * Fifty concurrent adds to one scope and 50 to different scopes, mixed with searches and
 * deletes, on every backend: no lost update, no duplicate entity for one key, no deadlock, and a
 * complete history. Each add n says where person n works (Company n%3) and lives (City n%4).
 */

const ADDS = 50

interface GraphJson {
  entities: Array<{ id: string; key: string }>
  relations: Array<{ id: string; memoryIds: string[] }>
}

async function graphOf(memory: Memory, scope: { userId: string }): Promise<GraphJson> {
  return JSON.parse(await memory.graph.export(scope, 'json')) as GraphJson
}

describe.each(MEMORY_BACKENDS)('50-way concurrency on $name', (backend) => {
  it('50 concurrent adds to one scope, with searches and deletes between them: in order, nothing lost, one entity per key', async () => {
    const { memory, dispose } = await openTempMemory({ llm: conversationLLM(addNumberOf, { rewrites: false }), embedder: new HashEmbedder(1024) }, {}, backend)
    const scope = { userId: 'crowd' }
    try {
      const deleted: string[] = []
      const adds = [...Array(ADDS).keys()].map((n) =>
        memory.add(conversationOf(n), scope).then(async (result: AddResult) => {
          // Every tenth add's first fact is deleted at once, while other adds are still running.
          if (n % 10 === 0) {
            await memory.delete(result.results[0]!.id)
            deleted.push(result.results[0]!.id)
          }
          return result
        }),
      )
      const searches = [...Array(20).keys()].map((index) => memory.search(`where does Per${index}son live`, { ...scope, limit: 5 }))
      const results = await Promise.all(adds)
      await Promise.all(searches)

      for (const result of results) {
        expect(result.errors).toBeUndefined()
        expect(result.results.map((event) => event.event)).toEqual(['ADD', 'ADD'])
      }
      const stored = new Map((await memory.getAll({ ...scope, limit: 1000 })).results.map((item) => [item.id, item.memory]))
      const added = results.flatMap((result) => result.results.map((event) => event.id))
      expect(stored.size).toBe(2 * ADDS - deleted.length)
      for (const id of added) expect(stored.has(id), `memory ${id}`).toBe(!deleted.includes(id))

      // One entity per key: 50 people, 3 companies, 4 cities.
      const graph = await graphOf(memory, scope)
      const keys = graph.entities.map((entity) => entity.key)
      expect(new Set(keys).size).toBe(keys.length)
      expect(keys.length, keys.sort().join(',')).toBe(ADDS + 3 + 4)
      for (const relation of graph.relations) {
        expect(relation.memoryIds.length).toBeGreaterThan(0)
        for (const id of relation.memoryIds) expect(stored.has(id), `relation ${relation.id} cites a stored memory`).toBe(true)
      }

      // History is complete, and the adds took effect in the order they were called.
      const firstRowTimes: string[] = []
      for (const [n, result] of results.entries()) {
        const history = await memory.history(result.results[0]!.id)
        expect(history.map((row) => row.event)).toEqual(n % 10 === 0 ? ['ADD', 'DELETE'] : ['ADD'])
        firstRowTimes.push(history[0]!.createdAt)
      }
      expect(firstRowTimes).toEqual([...firstRowTimes].sort())
    } finally {
      await dispose()
    }
  }, 240_000)

  it('50 concurrent adds to 50 scopes, with searches and deleteAll between them: each scope gets exactly its own', async () => {
    const { memory, dispose } = await openTempMemory({ llm: conversationLLM(addNumberOf, { rewrites: false }), embedder: new HashEmbedder(1024) }, {}, backend)
    const scopeOf = (n: number) => ({ userId: `tenant-${n}` })
    try {
      const wiped = new Set<number>()
      const adds = [...Array(ADDS).keys()].map((n) =>
        memory.add(conversationOf(n), scopeOf(n)).then(async (result) => {
          if (n % 7 === 0) {
            await memory.deleteAll(scopeOf(n))
            wiped.add(n)
          }
          return result
        }),
      )
      const searches = [...Array(ADDS).keys()].map((n) => memory.search(`Per${n}son`, scopeOf(n)))
      const results = await Promise.all(adds)
      await Promise.all(searches)
      for (const [n, result] of results.entries()) {
        expect(result.errors).toBeUndefined()
        const all = await memory.getAll(scopeOf(n))
        const graph = await graphOf(memory, scopeOf(n))
        if (wiped.has(n)) {
          expect(all.results).toEqual([])
          expect(graph.entities).toEqual([])
          continue
        }
        expect(all.results.map((item) => item.memory).sort()).toEqual([
          `Per${n}son Fam${n}ily lives in City ${n % 4}`,
          `Per${n}son Fam${n}ily works at Company ${n % 3}`,
        ])
        expect(graph.entities.map((entity) => entity.key).sort()).toEqual([`city ${n % 4}`, `company ${n % 3}`, `per${n}son fam${n}ily`])
        expect(graph.relations).toHaveLength(2)
      }
    } finally {
      await dispose()
    }
  }, 240_000)
})
