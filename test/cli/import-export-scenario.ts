import type { Memory } from '../../src/index.js'
import { ScriptedLLM, toolCall } from '../doubles/scripted-llm.js'

/**
 * The LLM script of {@link fillScope}: two conversations with facts and relations, the second of
 * which moves alice from Acme to Globex (so one relation ends up invalidated).
 */
export function scenarioLLM(): ScriptedLLM {
  return new ScriptedLLM({
    extract_facts: [{ facts: ['Works at Acme', 'Likes jazz'] }, { facts: [] }],
    extract_graph: [
      {
        entities: [
          { name: 'I', type: 'person' },
          { name: 'Acme', type: 'organization' },
          { name: 'jazz', type: 'music' },
        ],
        relations: [
          { source: 'I', relationship: 'works at', destination: 'Acme', valid_from: '2025-01-10T09:00:00Z' },
          { source: 'I', relationship: 'likes', destination: 'jazz' },
        ],
      },
      {
        entities: [
          { name: 'I', type: 'person' },
          { name: 'Globex', type: 'organization' },
        ],
        relations: [{ source: 'I', relationship: 'works at', destination: 'Globex' }],
      },
    ],
    required: [toolCall('update_relation', { source: 'alice', relationship: 'WORKS_AT', destination: 'Acme', new_destination: 'Globex' })],
  })
}

/**
 * Writes what an export must carry over: facts with metadata in alice's scope and in a narrower
 * one, a graph with a valid and an invalidated relation and their provenance, and history with
 * ADD, UPDATE and DELETE (of a memory no longer stored). Bob's memory must stay out of alice's export.
 */
export async function fillScope(memory: Memory): Promise<void> {
  await memory.add([{ role: 'user', content: 'I work at Acme and I like jazz', name: 'alice' }], { userId: 'alice', observedAt: '2025-01-10T09:00:00Z' })
  await memory.add('I moved to Globex', { userId: 'alice', observedAt: '2025-06-01T09:00:00Z' })
  const { results } = await memory.getAll({ userId: 'alice' })
  const jazz = results.find((item) => item.memory === 'Likes jazz')!
  await memory.update(jazz.id, 'Likes jazz a lot')
  const [gone] = (await memory.add('Temporary note', { userId: 'alice', infer: false })).results
  await memory.delete(gone!.id)
  await memory.add('Prefers tea 🍵, says "hi"', {
    userId: 'alice',
    agentId: 'helper',
    infer: false,
    metadata: { source: 'chat', stars: 4, pinned: true, note: null },
  })
  await memory.add('Bob keeps bees', { userId: 'bob', infer: false })
}
