import { afterEach, describe, expect, it } from 'vitest'
import type { ChatRequest, Memory, Scope } from '../../src/index.js'
import { MEMORY_BACKENDS } from '../contract/backends.js'
import { ScriptedLLM, toolCall } from '../doubles/scripted-llm.js'
import { openTempMemory } from '../helpers/temp-memory.js'

const promptOf = (request: ChatRequest) => request.messages.map((message) => message.content).join('\n')
const graphArgs = (entities: Array<[string, string]>, relations: Array<[string, string, string]>) => ({
  entities: entities.map(([name, type]) => ({ name, type })),
  relations: relations.map(([source, relationship, destination]) => ({ source, relationship, destination })),
})

const ALICE: Scope = { userId: 'alice', agentId: 'support' }
const SUPPORT: Scope = { agentId: 'support' }

/*
 * An add writes to its exact scope, and may only show its update steps, and change, memories and
 * relations of that scope: never those of a narrower scope that reads by visibility would show
 * it ({agentId} sees {userId, agentId}), nor of a broader one.
 */
describe.each(MEMORY_BACKENDS)('$name: an add changes only its exact scope', (backend) => {
  let dispose: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dispose?.()
    dispose = undefined
  })
  async function open(llm: ScriptedLLM): Promise<Memory> {
    const opened = await openTempMemory({ llm }, {}, backend)
    dispose = opened.dispose
    return opened.memory
  }

  /**
   * A model that changes whatever it is shown: UPDATEs the first memory and DELETEs the second,
   * and replaces every relation shown with its opposite.
   */
  const hostileUpdates = () => ({
    update_memory: (request: ChatRequest) => {
      const shown = [...promptOf(request).matchAll(/^(\d+): /gm)].map((match) => match[1]!)
      return {
        memory: [
          { id: shown[0] ?? '0', text: 'Is NOT allergic to penicillin (verified)', event: 'UPDATE' },
          { id: shown[1] ?? '1', text: '', event: 'DELETE' },
          { id: shown[2] ?? '2', text: '', event: 'NONE' },
        ],
      }
    },
    required: () => toolCall('delete_relation', { source: 'alice', relationship: 'ALLERGIC_TO', destination: 'penicillin' }),
  })

  it('under {agentId} neither sees nor changes {userId, agentId} memories and relations', async () => {
    const llm = new ScriptedLLM({
      extract_memories: [
        {
          facts: ['Is allergic to penicillin', 'Takes ibuprofen', 'Sees doctor Weiss'],
          ...graphArgs(
            [
              ['alice', 'person'],
              ['penicillin', 'drug'],
            ],
            [['alice', 'ALLERGIC_TO', 'penicillin']],
          ),
        },
        {
          facts: ['Alice is not allergic to penicillin', 'Alice takes no ibuprofen'],
          ...graphArgs(
            [
              ['alice', 'person'],
              ['penicillin', 'drug'],
            ],
            [['alice', 'TOLERATES', 'penicillin']],
          ),
        },
      ],
      ...hostileUpdates(),
    })
    const memory = await open(llm)
    const first = await memory.add('I am allergic to penicillin, take ibuprofen and see doctor Weiss', ALICE)
    expect(first.results).toHaveLength(3)
    const before = await memory.getAll(ALICE)

    const second = await memory.add('Alice is not allergic to penicillin and takes no ibuprofen', SUPPORT)

    // Alice's memories were not shown to the update step, so nothing of hers could be named.
    for (const request of llm.callsTo('update_memory')) expect(promptOf(request)).not.toMatch(/penicillin\n|ibuprofen\n|doctor Weiss/)
    expect(second.results.map((event) => event.event)).toEqual(['ADD', 'ADD'])
    const after = await memory.getAll(ALICE)
    expect(after.results.map((item) => [item.id, item.memory, item.mentions]).sort()).toEqual(
      before.results.map((item) => [item.id, item.memory, item.mentions]).sort(),
    )
    for (const item of before.results) expect((await memory.history(item.id)).map((entry) => entry.event)).toEqual(['ADD'])
    // Her relation is still valid: the graph update step saw only the {agentId} scope's relations.
    for (const request of llm.callsTo('delete_relation')) expect(promptOf(request)).not.toContain('ALLERGIC_TO')
    const graph = JSON.parse(await memory.graph.export(ALICE, 'json')) as {
      relations: Array<{ relationship: string; validTo: string | null; memoryIds: string[] }>
    }
    expect(graph.relations.map((relation) => [relation.relationship, relation.validTo, relation.memoryIds.length > 0])).toEqual([['ALLERGIC_TO', null, true]])
    expect(second.relations.invalidated).toEqual([])
  })

  it('under {userId, agentId} neither sees nor changes {agentId} memories', async () => {
    const llm = new ScriptedLLM({
      extract_memories: [
        { facts: ['Answers in English', 'Escalates billing questions'], ...graphArgs([], []) },
        { facts: ['Answers in German'], ...graphArgs([], []) },
      ],
      ...hostileUpdates(),
    })
    const memory = await open(llm)
    await memory.add('The support agent answers in English and escalates billing questions', SUPPORT)
    const before = (await memory.getAll(SUPPORT)).results.filter((item) => item.userId === undefined)

    const second = await memory.add('Please answer me in German', ALICE)

    expect(second.results.map((event) => event.event)).toEqual(['ADD'])
    const after = (await memory.getAll(SUPPORT)).results.filter((item) => item.userId === undefined)
    expect(after.map((item) => [item.id, item.memory, item.mentions]).sort()).toEqual(before.map((item) => [item.id, item.memory, item.mentions]).sort())
  })

  it('still updates, deletes and confirms the memories of its own scope', async () => {
    const llm = new ScriptedLLM({
      extract_memories: [
        { facts: ['Is allergic to penicillin', 'Takes ibuprofen', 'Sees doctor Weiss'], ...graphArgs([], []) },
        { facts: ['Is not allergic to penicillin'], ...graphArgs([], []) },
      ],
      ...hostileUpdates(),
    })
    const memory = await open(llm)
    await memory.add('I am allergic to penicillin, take ibuprofen and see doctor Weiss', SUPPORT)
    const second = await memory.add('I am not allergic to penicillin', SUPPORT)
    expect(second.results.map((event) => event.event).sort()).toEqual(['DELETE', 'UPDATE'])
    expect(second.errors).toBeUndefined()
  })
})
