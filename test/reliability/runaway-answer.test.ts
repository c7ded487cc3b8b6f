import { describe, expect, it } from 'vitest'
import { MAX_FACTS_PER_ANSWER, MAX_GRAPH_UPDATE_CALLS, MAX_RELATIONS_PER_ANSWER } from '../../src/pipelines/steps/answer-limits.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { ScriptedLLM, toolCall } from '../doubles/scripted-llm.js'
import { openTempMemory } from '../helpers/temp-memory.js'

/*
 * An LLM that answers with 10,000 facts, entities and relations does not make an add
 * embed or write 10,000 of anything: the answer is cut at fixed limits and the cut is reported.
 */

const HUGE = 5_000

describe('an LLM answer far beyond the limits', () => {
  it('is cut at the per-answer limits, reported in errors, and the add stays bounded', async () => {
    const embedder = new HashEmbedder(1024)
    const embedded: number[] = []
    const counting = {
      model: embedder.model,
      close: () => embedder.close(),
      embed: (texts: string[]) => {
        embedded.push(texts.length)
        return embedder.embed(texts)
      },
    }
    const names = [...Array(HUGE).keys()].map((index) => `Ent${index}ity Na${index}me`)
    const llm = new ScriptedLLM({
      extract_facts: [{ facts: names.map((name) => `${name} is a thing`) }],
      extract_graph: [
        {
          entities: names.map((name) => ({ name, type: 'thing' })),
          relations: names.slice(1).map((name, index) => ({ source: names[index]!, relationship: 'knows', destination: name })),
        },
      ],
    })
    const { memory, dispose } = await openTempMemory({ llm, embedder: counting })
    try {
      const result = await memory.add('a very long story', { userId: 'runaway' })
      expect(result.results).toHaveLength(MAX_FACTS_PER_ANSWER)
      expect(result.relations.added).toHaveLength(MAX_RELATIONS_PER_ANSWER)
      const messages = (result.errors ?? []).map((error) => `${error.stage}: ${error.message}`)
      // One extract_memories answer (the default), cut for each pipeline.
      expect(messages).toContain(
        `facts: extract_memories: the model returned ${HUGE} facts; the first ${MAX_FACTS_PER_ANSWER} were kept (a fixed limit per answer)`,
      )
      expect(messages.some((message) => message.startsWith(`graph: extract_memories: the model returned ${HUGE - 1} relations`))).toBe(true)
      // Every embedding batch is bounded by the limits: the facts, then the entities the kept relations use.
      expect(Math.max(...embedded)).toBeLessThanOrEqual(MAX_RELATIONS_PER_ANSWER + 1)
      expect((await memory.getAll({ userId: 'runaway', limit: 1000 })).results).toHaveLength(MAX_FACTS_PER_ANSWER)
    } finally {
      await dispose()
    }
  }, 60_000)

  it('a graph-update answer with thousands of calls is cut at its limit, reported in errors', async () => {
    const moves = (city: string) => ({ entities: [{ name: city, type: 'city' }], relations: [{ source: 'I', relationship: 'LIVES_IN', destination: city }] })
    const llm = new ScriptedLLM({
      extract_facts: [{ facts: [] }, { facts: [] }],
      extract_graph: [moves('Paris'), moves('Berlin')],
      // Every call a relation of its own type: each one the planner accepts is a new relation.
      required: [
        {
          toolCalls: [...Array(HUGE).keys()].map(
            (index) => toolCall('add_relation', { source: 'I', relationship: `VISITED_${index}`, destination: 'Berlin' }).toolCalls[0]!,
          ),
          text: '',
        },
      ],
    })
    const { memory, dispose } = await openTempMemory({ llm, embedder: new HashEmbedder(1024) })
    try {
      await memory.add('I live in Paris', { userId: 'runaway' })
      const moved = await memory.add('I moved to Berlin', { userId: 'runaway' })
      expect(moved.relations.added).toHaveLength(MAX_GRAPH_UPDATE_CALLS)
      expect((moved.errors ?? []).map((error) => error.message)).toContain(
        `graph update: the model returned ${HUGE} calls; the first ${MAX_GRAPH_UPDATE_CALLS} were kept (a fixed limit per answer)`,
      )
    } finally {
      await dispose()
    }
  }, 60_000)
})
