import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChatRequest, EngramConfig, Memory } from '../../src/index.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { testModelDir } from '../helpers/model-dir.js'
import { openTempMemory } from '../helpers/temp-memory.js'

// Conversation context through the public API: real SQLite stores and the real
// local embedding model; only the LLM is scripted.

const promptOf = (request: ChatRequest) => request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n')

const userPromptOf = (request: ChatRequest) => {
  const content = request.messages.find((message) => message.role === 'user')?.content
  return typeof content === 'string' ? content : ''
}

/** What an extraction prompt shows before the new messages (empty when no context was shown). */
const earlierPart = (request: ChatRequest) => {
  const prompt = userPromptOf(request)
  return prompt.slice(0, prompt.lastIndexOf('Conversation:\n'))
}

/** The new messages of an extraction prompt, under their heading. */
const newPart = (request: ChatRequest) => {
  const prompt = userPromptOf(request)
  return prompt.slice(prompt.lastIndexOf('Conversation:\n'))
}

/** `update_memory` that adds every new fact. */
const addEveryFact = (request: ChatRequest) => {
  const facts = promptOf(request)
    .split('New facts:\n')[1]!
    .split('\n')
    .filter((line) => line.startsWith('- '))
  return { memory: facts.map((line, index) => ({ id: `new-${index}`, text: line.slice(2), event: 'ADD' })) }
}

/** A promise a test opens when it wants, to hold a scripted step. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

describe('conversation context', () => {
  const disposals: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const dispose of disposals.splice(0)) await dispose()
  })

  async function open(llm: ScriptedLLM, config: EngramConfig = {}): Promise<{ memory: Memory; dataDir: string }> {
    const opened = await openTempMemory(
      { llm, embedder: undefined },
      { embedder: { provider: 'local', config: { modelDir: testModelDir() } }, graphStore: { provider: 'none' }, ...config },
    )
    disposals.push(opened.dispose)
    return opened
  }

  /** Extraction that records a fact about Carol only when the request shows Carol. */
  function carolScript(): ScriptedLLM {
    return new ScriptedLLM({
      extract_facts: (request) => {
        const prompt = promptOf(request)
        if (newPart(request).includes('I asked Carol to marry me')) return { facts: ['Asked Carol to marry them'] }
        return { facts: [prompt.includes('Carol') ? 'Carol accepted the marriage proposal' : 'Someone said yes to something'] }
      },
      extract_graph: (request) => {
        if (!promptOf(request).includes('Carol')) return { entities: [], relations: [] }
        const relations = newPart(request).includes('She said yes') ? [{ source: 'I', relationship: 'ENGAGED_TO', destination: 'Carol' }] : []
        return { entities: [{ name: 'Carol', type: 'person' }], relations }
      },
      update_memory: addEveryFact,
    })
  }

  describe.each([
    ['combined', { graph: { extraction: 'combined' } }],
    ['separate', { graph: { extraction: 'separate' } }],
  ] as const)('%s extraction', (_name, graphConfig) => {
    it('"She said yes!" after "I asked Carol to marry me" yields a fact and a relation about Carol', async () => {
      const llm = carolScript()
      const { memory } = await open(llm, { graphStore: { provider: 'sqlite' }, ...graphConfig })
      await memory.add('I asked Carol to marry me', { userId: 'alice' })
      const before = llm.requests.length
      const yes = await memory.add('She said yes!', { userId: 'alice' })

      expect(yes.errors).toBeUndefined()
      expect(yes.results.map((event) => event.memory)).toContain('Carol accepted the marriage proposal')
      expect(yes.relations.added.map((relation) => `${relation.source} ${relation.relationship} ${relation.destination}`)).toContain('alice ENGAGED_TO Carol')
      // Every extraction call of the second add saw the first add under the context heading, and
      // only "She said yes!" as the messages to extract from.
      const extractions = llm.requests.slice(before).filter((request) => request.tools.some((tool) => tool.name.startsWith('extract_')))
      expect(extractions.length).toBe(graphConfig.graph.extraction === 'separate' ? 2 : 1)
      for (const request of extractions) {
        expect(earlierPart(request)).toContain('Earlier in this conversation')
        expect(earlierPart(request)).toContain('user: I asked Carol to marry me')
        expect(newPart(request)).toBe('Conversation:\nuser: She said yes!')
      }
    })
  })

  it.each([
    ['disabled', { enabled: false }],
    ['with nothing to keep', { messages: 0, summaryEvery: 0 }],
  ] as const)('with context %s, "She said yes!" yields no fact about Carol and no context file', async (_name, context) => {
    const llm = carolScript()
    const { memory, dataDir } = await open(llm, { context })
    await memory.add('I asked Carol to marry me', { userId: 'alice' })
    const yes = await memory.add('She said yes!', { userId: 'alice' })
    expect(yes.results.map((event) => event.memory)).toEqual(['Someone said yes to something'])
    expect(promptOf(llm.requests.at(-2)!)).not.toContain('Earlier in this conversation')
    expect(existsSync(join(dataDir, 'context.db'))).toBe(false)
  })

  it('keeps the messages of infer:false adds as context too', async () => {
    const llm = carolScript()
    const { memory } = await open(llm)
    await memory.add('I asked Carol to marry me', { userId: 'alice', infer: false })
    const yes = await memory.add('She said yes!', { userId: 'alice' })
    expect(yes.results.map((event) => event.memory)).toContain('Carol accepted the marriage proposal')
  })

  describe('what the extraction prompt shows', () => {
    function recordingScript(): ScriptedLLM {
      return new ScriptedLLM({ extract_facts: () => ({ facts: [] }) })
    }

    it('shows only the last `context.messages` messages', async () => {
      const llm = recordingScript()
      const { memory } = await open(llm, { context: { messages: 2, summaryEvery: 0 } })
      for (const word of ['apricot', 'banana', 'cherry']) await memory.add(`I ate an ${word}`, { userId: 'alice' })
      await memory.add([{ role: 'user', content: 'and a date' }], { userId: 'alice' })
      const last = earlierPart(llm.requests.at(-1)!)
      expect(last).not.toContain('apricot')
      expect(last).toContain('user: I ate an banana\nuser: I ate an cherry')
    })

    it('shows a later chunk of a long add the chunks before it', async () => {
      const llm = recordingScript()
      const { memory } = await open(llm, { limits: { chunkTokens: 100 } })
      const messages = Array.from({ length: 6 }, (_, index) => ({ role: 'user' as const, content: `part ${index} ${'filler words here '.repeat(4)}` }))
      await memory.add(messages, { userId: 'alice' })
      expect(llm.requests.length).toBeGreaterThan(1)
      expect(earlierPart(llm.requests[0]!)).toBe('')
      for (const request of llm.requests.slice(1)) {
        const firstNew = /part (\d+)/.exec(newPart(request))![1]!
        expect(earlierPart(request)).toContain(`part ${Number(firstNew) - 1} `)
      }
    })

    it('keeps one context per exact scope: each runId its own, another user none of it', async () => {
      const llm = recordingScript()
      const { memory } = await open(llm)
      await memory.add('My dog is called Rex', { userId: 'alice', runId: 'walk' })
      await memory.add('It rained all day', { userId: 'alice', runId: 'weather' })
      expect(earlierPart(llm.requests.at(-1)!)).toBe('')

      await memory.add('He loves the park', { userId: 'alice', runId: 'walk' })
      expect(earlierPart(llm.requests.at(-1)!)).toContain('user: My dog is called Rex')
      expect(earlierPart(llm.requests.at(-1)!)).not.toContain('rained')

      await memory.add('He is big', { userId: 'alice' }) // no runId: a scope of its own
      expect(earlierPart(llm.requests.at(-1)!)).toBe('')
      await memory.add('He is big', { userId: 'bob', runId: 'walk' })
      expect(earlierPart(llm.requests.at(-1)!)).toBe('')
    })

    it('shows nothing of a conversation that deleteAll erased', async () => {
      const llm = recordingScript()
      const { memory } = await open(llm)
      await memory.add('I asked Carol to marry me', { userId: 'alice', runId: 'chat' })
      await memory.deleteAll({ userId: 'alice' })
      await memory.add('She said yes!', { userId: 'alice', runId: 'chat' })
      expect(earlierPart(llm.requests.at(-1)!)).toBe('')
    })
  })

  describe('rolling summary', () => {
    it('is refreshed every `summaryEvery` adds after add has returned, from every message since, and shown to the next extraction', async () => {
      const held = gate()
      const events: string[] = []
      const llm = new ScriptedLLM({
        extract_facts: () => ({ facts: [] }),
        summarize_conversation: async () => {
          events.push('summary started')
          await held.opened
          events.push('summary done')
          return { summary: 'Alice proposed to Carol; the wedding is planned for June.' }
        },
      })
      const { memory } = await open(llm, { context: { messages: 1, summaryEvery: 2 } })
      await memory.add('I asked Carol to marry me', { userId: 'alice' })
      await memory.flush()
      expect(llm.callsTo('summarize_conversation')).toHaveLength(0) // one add: not due yet

      // The summarizer is held shut: if the add waited for it, this await would never resolve.
      await memory.add('We picked June for the wedding', { userId: 'alice' })
      events.push('add returned')
      let flushed = false
      const flushing = memory.flush().then(() => (flushed = true))
      await new Promise((resolve) => setImmediate(resolve))
      expect(flushed).toBe(false)
      held.open()
      await flushing
      expect(events).toEqual(['add returned', 'summary started', 'summary done'])

      // Both adds' messages went to the summarizer although only the last message is shown as context.
      const summarize = promptOf(llm.callsTo('summarize_conversation')[0]!)
      expect(summarize).toContain('Previous summary:\n(none)')
      expect(summarize).toContain('user: I asked Carol to marry me\nuser: We picked June for the wedding')

      await memory.add('She wants peonies', { userId: 'alice' })
      const earlier = earlierPart(llm.requests.at(-1)!)
      expect(earlier).toContain('Summary of older messages:\nAlice proposed to Carol; the wedding is planned for June.')
      expect(earlier).toContain('Last messages:\nuser: We picked June for the wedding')
      expect(earlier).not.toContain('I asked Carol')
    })

    it('is retried on the next add after a failed refresh, which loses no message', async () => {
      const unhandled: unknown[] = []
      const onUnhandled = (reason: unknown) => unhandled.push(reason)
      process.on('unhandledRejection', onUnhandled)
      try {
        let attempts = 0
        const llm = new ScriptedLLM({
          extract_facts: () => ({ facts: [] }),
          summarize_conversation: () => {
            attempts += 1
            if (attempts === 1) throw new Error('the model is down')
            return { summary: 'Carol is engaged to the user.' }
          },
        })
        const { memory } = await open(llm, { context: { messages: 1, summaryEvery: 1 } })
        await memory.add('I asked Carol to marry me', { userId: 'alice' })
        await memory.flush()
        expect(attempts).toBe(1)

        await memory.add('She said yes!', { userId: 'alice' })
        expect(earlierPart(llm.requests.at(-1)!)).not.toContain('Summary of older messages')
        await memory.flush()
        expect(attempts).toBe(2)
        expect(promptOf(llm.callsTo('summarize_conversation')[1]!)).toContain('user: I asked Carol to marry me\nuser: She said yes!')

        await memory.add('We picked June', { userId: 'alice' })
        expect(earlierPart(llm.requests.at(-1)!)).toContain('Summary of older messages:\nCarol is engaged to the user.')
        await memory.flush()
        await new Promise((resolve) => setImmediate(resolve))
        expect(unhandled).toEqual([])
      } finally {
        process.off('unhandledRejection', onUnhandled)
      }
    })

    it('is written with config.prompts.summarizeConversation in place of the built-in instructions', async () => {
      const llm = new ScriptedLLM({ extract_facts: () => ({ facts: [] }) })
      const { memory } = await open(llm, { context: { messages: 1, summaryEvery: 1 }, prompts: { summarizeConversation: 'Summarise for a wedding planner.' } })
      await memory.add('I asked Carol to marry me', { userId: 'alice' })
      await memory.flush()
      const [request] = llm.callsTo('summarize_conversation')
      expect(request!.messages[0]).toEqual({ role: 'system', content: expect.stringMatching(/^Summarise for a wedding planner\.\n\nToday's date: /) })
      expect(promptOf(request!)).toContain('user: I asked Carol to marry me')
    })

    it('never runs two refreshes of one scope at once', async () => {
      const held = gate()
      let running = 0
      let mostAtOnce = 0
      const llm = new ScriptedLLM({
        extract_facts: () => ({ facts: [] }),
        summarize_conversation: async () => {
          running += 1
          mostAtOnce = Math.max(mostAtOnce, running)
          await held.opened
          running -= 1
          return { summary: 'A summary.' }
        },
      })
      const { memory } = await open(llm, { context: { messages: 1, summaryEvery: 1 } })
      await memory.add('first message', { userId: 'alice' })
      await new Promise((resolve) => setImmediate(resolve)) // the first refresh is now waiting at the gate
      await memory.add('second message', { userId: 'alice' })
      await memory.add('third message', { userId: 'alice' })
      await memory.add('other user', { userId: 'bob' }) // another scope refreshes beside it
      await new Promise((resolve) => setImmediate(resolve))
      held.open()
      await memory.flush()
      expect(mostAtOnce).toBe(2) // alice's one and bob's one, never two of alice's
      expect(llm.callsTo('summarize_conversation')).toHaveLength(2)

      // The adds that came during the refresh are still counted: the next add covers them.
      await memory.add('fourth message', { userId: 'alice' })
      await memory.flush()
      const third = promptOf(llm.callsTo('summarize_conversation')[2]!)
      expect(third).toContain('user: second message\nuser: third message\nuser: fourth message')
      expect(third).not.toContain('first message')
    })

    it('close() waits for a refresh in progress, which is stored before the files close', async () => {
      const held = gate()
      const llm = new ScriptedLLM({
        extract_facts: () => ({ facts: [] }),
        summarize_conversation: async () => {
          await held.opened
          return { summary: 'Carol said yes.' }
        },
      })
      const config: EngramConfig = { context: { summaryEvery: 1 } }
      const { memory, dataDir } = await openTempMemory({ llm }, { graphStore: { provider: 'none' }, ...config })
      try {
        await memory.add('She said yes!', { userId: 'alice' })
        let closed = false
        const closing = memory.close().then(() => (closed = true))
        await new Promise((resolve) => setImmediate(resolve))
        expect(closed).toBe(false)
        held.open()
        await closing

        const next = new ScriptedLLM({ extract_facts: () => ({ facts: [] }) })
        const reopened = await open(next, { ...config, dataDir })
        await reopened.memory.add('We picked June', { userId: 'alice' })
        expect(earlierPart(next.requests[0]!)).toContain('Summary of older messages:\nCarol said yes.')
      } finally {
        rmSync(dataDir, { recursive: true, force: true })
      }
    })
  })
})
