import { afterEach, describe, expect, it } from 'vitest'
import type { ChatRequest, Memory } from '../../src/index.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { openTempMemory } from '../helpers/temp-memory.js'

const userText = (request: ChatRequest) => request.messages.map((message) => message.content).join('\n')

describe('fact pipeline', () => {
  let dispose: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dispose?.()
    dispose = undefined
  })

  // The graph has its own suite; here only the fact pipeline runs.
  async function open(llm: ScriptedLLM, config = {}): Promise<Memory> {
    const opened = await openTempMemory({ llm }, { graphStore: { provider: 'none' }, ...config })
    dispose = opened.dispose
    return opened.memory
  }

  it('adds every fact without a second LLM call when nothing is stored yet', async () => {
    const llm = new ScriptedLLM({ extract_facts: [{ facts: ['Is vegetarian', 'Lives in Lisbon', '  ', 'Is vegetarian'] }] })
    const memory = await open(llm)
    const result = await memory.add('I am vegetarian and live in Lisbon', { userId: 'alice' })

    expect(result.results.map((event) => [event.event, event.memory])).toEqual([
      ['ADD', 'Is vegetarian'],
      ['ADD', 'Lives in Lisbon'],
    ])
    expect(llm.requests).toHaveLength(1)
    const stored = await memory.getAll({ userId: 'alice' })
    expect(stored.results.map((item) => item.memory).sort()).toEqual(['Is vegetarian', 'Lives in Lisbon'])
    expect(stored.results.every((item) => item.userId === 'alice' && item.hash.length === 32)).toBe(true)
  })

  it('makes one LLM call and writes nothing when the conversation holds no facts', async () => {
    const llm = new ScriptedLLM({ extract_facts: [{ facts: [] }] })
    const memory = await open(llm)
    const result = await memory.add('hello there', { userId: 'alice' })
    expect(result.results).toEqual([])
    expect(llm.requests).toHaveLength(1)
    expect((await memory.getAll({ userId: 'alice' })).results).toEqual([])
  })

  it('shows neighbours under integer ids and applies UPDATE (same id, re-embedded), DELETE, NONE and ADD', async () => {
    const llm = new ScriptedLLM({
      extract_facts: [
        { facts: ['Lives in Lisbon', 'Works as a nurse', 'Likes jazz music'] },
        { facts: ['Lives in Porto now', 'Works as a nurse at night', 'No longer likes jazz music', 'Has a cat named Mia'] },
      ],
      update_memory: (request: ChatRequest) => {
        const prompt = userText(request)
        const idOf = (text: string) => new RegExp(`(\\d+): ${text}`).exec(prompt)?.[1] ?? 'missing'
        return {
          memory: [
            { id: idOf('Lives in Lisbon'), text: 'Lives in Porto', event: 'UPDATE', old_memory: 'Lives in Lisbon' },
            { id: idOf('Works as a nurse'), text: 'Works as a nurse', event: 'NONE' },
            { id: idOf('Likes jazz music'), text: 'Likes jazz music', event: 'DELETE' },
            { id: '99', text: 'Has a cat named Mia', event: 'ADD' },
          ],
        }
      },
    })
    const memory = await open(llm)
    const first = await memory.add('I live in Lisbon, work as a nurse and like jazz', { userId: 'alice' })
    const idByText = new Map(first.results.map((event) => [event.memory, event.id]))

    const second = await memory.add('I moved to Porto, I work nights, jazz bores me now, and I got a cat, Mia', { userId: 'alice' })

    const updateRequest = llm.callsTo('update_memory')[0]!
    const shown = userText(updateRequest)
    expect(shown).toMatch(/^0: /m)
    for (const id of idByText.values()) expect(shown).not.toContain(id) // real ids never reach the model
    expect(second.results).toEqual(
      expect.arrayContaining([
        { id: idByText.get('Lives in Lisbon'), memory: 'Lives in Porto', event: 'UPDATE', previousMemory: 'Lives in Lisbon' },
        { id: idByText.get('Likes jazz music'), memory: 'Likes jazz music', event: 'DELETE' },
        expect.objectContaining({ memory: 'Has a cat named Mia', event: 'ADD' }),
      ]),
    )
    expect(second.results).toHaveLength(3)
    expect(second.errors).toBeUndefined()

    const texts = (await memory.getAll({ userId: 'alice' })).results.map((item) => item.memory).sort()
    expect(texts).toEqual(['Has a cat named Mia', 'Lives in Porto', 'Works as a nurse'])
    // Re-embedded: the updated text is found by its new words, under the old id.
    const found = await memory.search('Porto', { userId: 'alice', limit: 1 })
    expect(found.results[0]?.id).toBe(idByText.get('Lives in Lisbon'))

    const history = await memory.history(idByText.get('Lives in Lisbon')!)
    expect(history.map((entry) => [entry.event, entry.oldMemory, entry.newMemory])).toEqual([
      ['ADD', null, 'Lives in Lisbon'],
      ['UPDATE', 'Lives in Lisbon', 'Lives in Porto'],
    ])
    const deleted = await memory.history(idByText.get('Likes jazz music')!)
    expect(deleted.at(-1)).toMatchObject({ event: 'DELETE', oldMemory: 'Likes jazz music', newMemory: null, userId: 'alice' })
  })

  it('reports decisions that name ids it was not shown, and applies the rest', async () => {
    const llm = new ScriptedLLM({
      extract_facts: [{ facts: ['Likes tea'] }, { facts: ['Likes green tea'] }],
      update_memory: [
        {
          memory: [
            { id: '7', text: 'x', event: 'DELETE' },
            { id: '0', text: 'Likes green tea', event: 'UPDATE' },
          ],
        },
      ],
    })
    const memory = await open(llm)
    await memory.add('I like tea', { userId: 'alice' })
    const result = await memory.add('green tea especially', { userId: 'alice' })
    expect(result.results.map((event) => event.event)).toEqual(['UPDATE'])
    expect(result.errors).toEqual([{ stage: 'facts', message: expect.stringContaining('"7"') }])
  })

  it('keeps roles and speaker names in the extraction prompt', async () => {
    const llm = new ScriptedLLM({ extract_facts: [{ facts: [] }] })
    const memory = await open(llm)
    await memory.add(
      [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'My sister is Anna.', name: 'bob' },
        { role: 'assistant', content: 'Nice! Where does she live?' },
      ],
      { userId: 'bob' },
    )
    const prompt = userText(llm.requests[0]!)
    expect(prompt).toContain('user (bob): My sister is Anna.')
    expect(prompt).toContain('assistant: Nice! Where does she live?')
    expect(prompt).toContain('system: You are a helpful assistant.')
    expect(llm.requests[0]!.toolChoice).toEqual({ type: 'tool', name: 'extract_facts' })
  })

  it('splits a conversation longer than the extraction budget into consecutive chunks and processes all of them', async () => {
    const llm = new ScriptedLLM({ extract_facts: () => ({ facts: [] }) })
    const memory = await open(llm, { limits: { chunkTokens: 100 } })
    const messages = Array.from({ length: 12 }, (_, index) => ({
      role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: `message number ${index} ${'filler words here '.repeat(4)}`,
    }))
    await memory.add(messages, { userId: 'alice' })

    expect(llm.requests.length).toBeGreaterThan(2)
    // The messages each chunk extracts from: those after the heading (earlier chunks come before it, as context).
    const prompts = llm.requests.map(userText).map((prompt) => prompt.slice(prompt.lastIndexOf('Conversation:\n')))
    // Every message is seen exactly once, in order across the chunks.
    const seen = prompts.flatMap((prompt) => [...prompt.matchAll(/message number (\d+)/g)].map((match) => Number(match[1])))
    expect(seen).toEqual(messages.map((_, index) => index))
  })

  it('stores each non-system message verbatim with infer:false, without any LLM', async () => {
    const memory = await open(new ScriptedLLM({}))
    const result = await memory.add(
      [
        { role: 'system', content: 'rules' },
        { role: 'user', content: 'Remember: gate code 4711', name: 'carol' },
        { role: 'assistant', content: 'Noted the gate code.' },
      ],
      { userId: 'carol', infer: false, metadata: { source: 'chat' } },
    )
    expect(result.results.map((event) => event.memory)).toEqual(['Remember: gate code 4711', 'Noted the gate code.'])
    const item = await memory.get(result.results[0]!.id)
    expect(item).toMatchObject({ memory: 'Remember: gate code 4711', metadata: { source: 'chat' }, userId: 'carol' })
    const history = await memory.history(result.results[0]!.id)
    expect(history).toMatchObject([{ event: 'ADD', role: 'user', actor: 'carol', newMemory: 'Remember: gate code 4711' }])
  })

  it('writes nothing when extraction fails', async () => {
    const llm = new ScriptedLLM({ extract_facts: () => ({ toolCalls: [], text: 'I would rather chat.' }) })
    const memory = await open(llm)
    await expect(memory.add('I like tea', { userId: 'alice' })).rejects.toMatchObject({ code: 'LLM_BAD_OUTPUT' })
    expect((await memory.getAll({ userId: 'alice' })).results).toEqual([])
    expect(llm.requests).toHaveLength(2) // one corrective retry, then the error
  })
})
