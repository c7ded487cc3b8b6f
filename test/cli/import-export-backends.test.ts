import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TransferRecord } from '../../src/index.js'
import { MEMORY_BACKENDS } from '../contract/backends.js'
import { openTempMemory } from '../helpers/temp-memory.js'
import { rejection } from '../helpers/rejection.js'
import { fillScope, scenarioLLM } from './import-export-scenario.js'

const ALICE = { userId: 'alice' }
const kinds = (records: TransferRecord[]) => records.map((record) => record.kind)

describe.each(MEMORY_BACKENDS)('$name: memory.transfer export and restore', (backend) => {
  const disposers: Array<() => Promise<void>> = []
  // Opening the stores once up front waits, in a hook, for a shared server's lock (neo4j-backend.ts).
  beforeAll(async () => {
    await (await openTempMemory({}, {}, backend)).dispose()
  })
  afterEach(async () => {
    for (const dispose of disposers.splice(0).reverse()) await dispose()
  })

  it('restores an export losslessly: exporting the restored scope gives the same records', async () => {
    const source = await openTempMemory({ llm: scenarioLLM() }, {}, backend)
    await fillScope(source.memory)
    const exported = await source.memory.transfer.export(ALICE)
    const graphBefore = JSON.parse(await source.memory.graph.export(ALICE, 'json'))
    await source.dispose() // a shared server (Neo4j, Weaviate) is empty again: the restore starts fresh

    expect(new Set(kinds(exported))).toEqual(new Set(['memory', 'entity', 'relation', 'history']))
    expect(kinds(exported)).toEqual(
      [...kinds(exported)].sort((a, b) => ['memory', 'entity', 'relation', 'history'].indexOf(a) - ['memory', 'entity', 'relation', 'history'].indexOf(b)),
    )
    const relations = exported.filter((record) => record.kind === 'relation')
    expect(relations.filter((relation) => relation.validTo !== null)).toHaveLength(1)
    expect(relations.some((relation) => relation.memoryIds.length > 0)).toBe(true)
    expect(exported.some((record) => record.kind === 'history' && record.event === 'DELETE')).toBe(true)
    expect(JSON.stringify(exported)).not.toContain('Bob keeps bees')

    const target = await openTempMemory({}, {}, backend)
    disposers.push(target.dispose)
    await target.memory.transfer.restore(exported)
    expect(await target.memory.transfer.export(ALICE)).toEqual(exported)
    // Restoring again changes nothing: same ids are replaced, history rows skipped.
    await target.memory.transfer.restore(exported)
    expect(await target.memory.transfer.export(ALICE)).toEqual(exported)

    // The restored data works, not just reads back: search, graph walks, history.
    const memoryRecord = exported.find((record) => record.kind === 'memory' && record.text === 'Likes jazz a lot')!
    expect((await target.memory.search('jazz', { ...ALICE, limit: 1 })).results[0]?.id).toBe(memoryRecord.id)
    expect((await target.memory.history(memoryRecord.id)).map((entry) => entry.event)).toEqual(['ADD', 'UPDATE'])
    expect(JSON.parse(await target.memory.graph.export(ALICE, 'json'))).toEqual(graphBefore)
    expect((await target.memory.search('Where does alice work?', ALICE)).relations.map((relation) => relation.destination)).toContain('Globex')
  })

  it('refuses malformed records before writing anything', async () => {
    const target = await openTempMemory({}, {}, backend)
    disposers.push(target.dispose)
    const error = await rejection(target.memory.transfer.restore([{ kind: 'memory', id: 'x' } as unknown as TransferRecord]))
    expect(error).toMatchObject({ code: 'INVALID_INPUT' })
    expect((await target.memory.getAll(ALICE)).results).toEqual([])
  })
})
