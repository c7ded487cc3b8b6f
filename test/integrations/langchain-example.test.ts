import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AIMessage, type BaseMessage, ToolMessage } from '@langchain/core/messages'
import { Memory } from 'engram'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { chatWithMemory } from '../../examples/langchain-agent.js'
import { EMBEDDED_STORES } from '../contract/backends.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { callingTool, ScriptedChatModel } from '../doubles/scripted-chat-model.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { docCodeBlocks } from '../helpers/doc-snippets.js'

const EXAMPLE = join(import.meta.dirname, '../../examples/langchain-agent.ts')

const lastToolResult = (messages: BaseMessage[]) => String(messages.findLast((message) => ToolMessage.isInstance(message))?.content)

/** The LangChain example of docs/langchain.md, run as users would: the built package, a chat model binding Engram's tools. */
describe('examples/langchain-agent.ts (docs/langchain.md)', () => {
  let dataDir: string
  let memory: Memory
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'engram-langchain-example-'))
    // Engram's own LLM steps, as a real model would answer them for "I am vegetarian and I work at Acme".
    const llm = new ScriptedLLM({
      extract_facts: [{ facts: ['Is vegetarian', 'Works at Acme'] }],
      extract_graph: [
        {
          entities: [
            { name: 'alice', type: 'person' },
            { name: 'Acme', type: 'company' },
          ],
          relations: [{ source: 'alice', relationship: 'WORKS_AT', destination: 'Acme' }],
        },
      ],
    })
    memory = await Memory.create({ dataDir, ...EMBEDDED_STORES }, { llm, embedder: new HashEmbedder() })
  })
  afterEach(async () => {
    await memory.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('is the docs/langchain.md snippet, verbatim', () => {
    expect(docCodeBlocks('docs/langchain.md', 'LangChain', 'ts')[0]).toBe(readFileSync(EXAMPLE, 'utf8'))
  })

  it('remembers in one turn, then answers from memory and forgets a correction in the next', async () => {
    const firstTurn = new ScriptedChatModel([
      callingTool('remember', { text: 'I am vegetarian and I work at Acme' }),
      (messages) => new AIMessage(`Noted.\n${lastToolResult(messages)}`),
    ])
    const firstAnswer = await chatWithMemory(firstTurn, memory, 'alice', 'I am vegetarian and I work at Acme.')
    expect(firstTurn.bound[0]!.tools.map((tool) => (tool as { name: string }).name)).toEqual([
      'remember',
      'recall',
      'recall_context',
      'forget',
      'inspect_graph',
    ])
    expect(firstAnswer).toMatch(/^Noted\.\nADD \S+: Is vegetarian\nADD \S+: Works at Acme$/)
    const stored = (await memory.getAll({ userId: 'alice' })).results
    expect(stored.map((item) => item.memory).sort()).toEqual(['Is vegetarian', 'Works at Acme'])
    const vegetarian = stored.find((item) => item.memory === 'Is vegetarian')!

    const secondTurn = new ScriptedChatModel([
      callingTool('recall', { query: 'vegetarian' }),
      (messages) => {
        const id = /- (\S+) \(\S+\): Is vegetarian/.exec(lastToolResult(messages))?.[1]
        return callingTool('forget', { id: id ?? 'not shown' })
      },
      (messages) => new AIMessage(`${lastToolResult(messages)} You work at Acme.`),
    ])
    const secondAnswer = await chatWithMemory(secondTurn, memory, 'alice', 'Do I still work at Acme? I eat meat again, by the way.')
    expect(secondAnswer).toBe(`Forgot memory ${vegetarian.id}. You work at Acme.`)
    // The retriever put both facts and the graph relation in front of the model before it acted.
    const system = String(secondTurn.seen[0]![0]!.content)
    expect(system).toContain('- Works at Acme')
    expect(system).toMatch(/- alice WORKS_AT Acme \(since /)
    expect(await memory.get(vegetarian.id)).toBeNull()
    expect((await memory.history(vegetarian.id)).map((entry) => entry.event)).toEqual(['ADD', 'DELETE'])
  })

  it('confines the agent to its user', async () => {
    await memory.add('Alice is vegetarian', { userId: 'alice', infer: false })
    const bobs = new ScriptedChatModel([callingTool('recall', { query: 'vegetarian' }), (messages) => new AIMessage(lastToolResult(messages))])
    expect(await chatWithMemory(bobs, memory, 'bob', 'Am I vegetarian?')).toBe('Nothing in memory matches.')
    expect(String(bobs.seen[0]![0]!.content)).toMatch(/What you know about the user:\n$/)
  })
})
