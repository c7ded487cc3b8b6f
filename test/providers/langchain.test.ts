import { Embeddings } from '@langchain/core/embeddings'
import { AIMessage, type BaseMessage } from '@langchain/core/messages'
import type { ChatResult } from '@langchain/core/outputs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { LangChainEmbedder } from '../../src/adapters/langchain/langchain-embedder.js'
import { LangChainLLM } from '../../src/adapters/langchain/langchain-llm.js'
import { EngramError } from '../../src/errors.js'
import { callTool, callTools, type ToolSpec } from '../../src/llm/call-tool.js'
import { withRetry } from '../../src/llm/retry.js'
import type { ChatMessage } from '../../src/ports.js'
import { ScriptedChatModel } from '../doubles/scripted-chat-model.js'

/** Never answers, but honours the abort signal as real integrations do (they hand it to fetch). */
class HangingChatModel extends ScriptedChatModel {
  override _generate(_messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    return new Promise((_resolve, reject) => options.signal?.addEventListener('abort', () => reject(options.signal?.reason)))
  }
}

class ScriptedEmbeddings extends Embeddings {
  readonly model = 'scripted-embedding'
  calls = 0
  readonly #answers: Array<number[][] | Error>

  constructor(answers: Array<number[][] | Error>) {
    super({})
    this.#answers = answers
  }

  async embedDocuments(): Promise<number[][]> {
    this.calls += 1
    const answer = this.#answers.shift()
    if (answer === undefined) throw new Error('ScriptedEmbeddings ran out of answers')
    if (answer instanceof Error) throw answer
    return answer
  }

  queries = 0

  async embedQuery(): Promise<number[]> {
    this.queries += 1
    return (await this.embedDocuments())[0] ?? []
  }
}

const extractFacts = {
  name: 'extract_facts',
  description: 'Record the facts worth remembering.',
  schema: z.object({ facts: z.array(z.string()) }),
} satisfies ToolSpec

const noop = { name: 'noop', description: 'Change nothing.', schema: z.object({}) } satisfies ToolSpec

const messages: ChatMessage[] = [
  { role: 'system', content: 'Extract facts.' },
  { role: 'user', content: 'I like green tea.' },
  { role: 'assistant', content: 'Noted.' },
]

const calling = (name: string, args: Record<string, unknown>) =>
  new AIMessage({ content: '', tool_calls: [{ name, args, id: `call_${name}`, type: 'tool_call' }] })

const withStatus = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status })

describe('LangChainLLM', () => {
  it('round-trips a forced tool call with LangChain messages and tool_choice', async () => {
    const model = new ScriptedChatModel([calling('extract_facts', { facts: ['Likes green tea'] })])
    await expect(callTool(new LangChainLLM({ model }), { messages, tool: extractFacts })).resolves.toEqual({
      facts: ['Likes green tea'],
    })
    expect(model.bound).toEqual([
      {
        toolChoice: 'extract_facts',
        tools: [
          {
            type: 'function',
            function: {
              name: 'extract_facts',
              description: 'Record the facts worth remembering.',
              parameters: expect.objectContaining({ type: 'object', required: ['facts'] }),
            },
          },
        ],
      },
    ])
    expect(model.seen[0]?.map((message) => [message.type, message.content])).toEqual([
      ['system', 'Extract facts.'],
      ['human', 'I like green tea.'],
      ['ai', 'Noted.'],
    ])
  })

  it('asks for one or more calls with tool_choice "any"', async () => {
    const model = new ScriptedChatModel([
      new AIMessage({
        content: '',
        tool_calls: [
          { name: 'noop', args: {}, id: '1', type: 'tool_call' },
          { name: 'extract_facts', args: { facts: [] }, id: '2', type: 'tool_call' },
        ],
      }),
    ])
    await expect(callTools(new LangChainLLM({ model }), { messages, tools: [extractFacts, noop] })).resolves.toEqual([
      { name: 'noop', args: {} },
      { name: 'extract_facts', args: { facts: [] } },
    ])
    expect(model.bound[0]?.toolChoice).toBe('any')
  })

  it('corrects invalid arguments once, showing the model the problem', async () => {
    const model = new ScriptedChatModel([calling('extract_facts', { facts: 'tea' }), calling('extract_facts', { facts: ['tea'] })])
    await expect(callTool(new LangChainLLM({ model }), { messages, tool: extractFacts })).resolves.toEqual({ facts: ['tea'] })
    const retry = model.seen[1]!
    expect(retry).toHaveLength(5)
    expect(retry[3]?.type).toBe('ai')
    expect(retry[3]?.content).toBe('Called `extract_facts` with arguments: {"facts":"tea"}')
    expect(retry[4]?.type).toBe('human')
    expect(retry[4]?.content).toContain('facts: Invalid input: expected array, received string')
  })

  it('passes calls LangChain could not parse on as raw text, so the JSON problem is corrected', async () => {
    const unparsed = new AIMessage({
      content: '',
      invalid_tool_calls: [{ name: 'extract_facts', args: '{"facts": [', id: '1', error: 'bad JSON', type: 'invalid_tool_call' }],
    })
    const model = new ScriptedChatModel([unparsed, calling('extract_facts', { facts: [] })])
    await expect(callTool(new LangChainLLM({ model }), { messages, tool: extractFacts })).resolves.toEqual({ facts: [] })
    expect(model.seen[1]?.[4]?.content).toContain('the arguments of `extract_facts` are not valid JSON')
  })

  it('maps text content blocks and usage metadata', async () => {
    const model = new ScriptedChatModel([
      new AIMessage({
        content: [{ type: 'text', text: 'No facts here.' }],
        usage_metadata: { input_tokens: 12, output_tokens: 3, total_tokens: 15 },
      }),
    ])
    const response = await new LangChainLLM({ model }).chat({ messages, tools: [], toolChoice: { type: 'required' } })
    expect(response).toEqual({ toolCalls: [], text: 'No facts here.', usage: { promptTokens: 12, completionTokens: 3 } })
  })

  it('classifies 429/5xx and network errors as retryable, the rest not', async () => {
    const refused = new Error('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) })
    const model = new ScriptedChatModel([withStatus(429), withStatus(503), refused, withStatus(400)])
    const llm = new LangChainLLM({ model })
    const outcomes = []
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const error = await callTool(llm, { messages, tool: extractFacts }).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(EngramError)
      outcomes.push([(error as EngramError).code, (error as EngramError).retryable])
    }
    expect(outcomes).toEqual([
      ['LLM_UNAVAILABLE', true],
      ['LLM_UNAVAILABLE', true],
      ['LLM_UNAVAILABLE', true],
      ['LLM_UNAVAILABLE', false],
    ])
  })

  it('turns its run timeout into a retryable LLM_UNAVAILABLE', async () => {
    const model = new HangingChatModel([])
    const error = await callTool(new LangChainLLM({ model, timeoutMs: 50 }), { messages, tool: extractFacts }).catch(
      (caught: unknown) => caught,
    )
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: true })
  })

  it('is retried by withRetry like any provider', async () => {
    const model = new ScriptedChatModel([withStatus(503), calling('extract_facts', { facts: ['x'] })])
    const llm = withRetry(new LangChainLLM({ model }), { sleep: async () => {} })
    await expect(callTool(llm, { messages, tool: extractFacts })).resolves.toEqual({ facts: ['x'] })
    expect(model.seen).toHaveLength(2)
  })

  it('names the model after the integration and rejects one without bindTools', () => {
    expect(new LangChainLLM({ model: new ScriptedChatModel([]) }).model).toBe('ScriptedChatModel')
    expect(() => new LangChainLLM({ model: {} })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }))
  })
})

describe('LangChainEmbedder', () => {
  it('embeds through embedDocuments and L2-normalises', async () => {
    const embeddings = new ScriptedEmbeddings([[[3, 4], [0, 2]]])
    const embedder = new LangChainEmbedder({ embeddings })
    const vectors = await embedder.embed(['a', 'b'], 'document')
    expect(vectors.map((vector) => Array.from(vector))).toEqual([[Math.fround(0.6), Math.fround(0.8)], [0, 1]])
    expect(vectors[0]).toBeInstanceOf(Float32Array)
    expect(embedder.model).toBe('ScriptedEmbeddings:scripted-embedding')
  })

  it('embeds a query through embedQuery, so integrations with a query form use it', async () => {
    const embeddings = new ScriptedEmbeddings([[[0, 3]]])
    const [vector] = await new LangChainEmbedder({ embeddings }).embed(['where?'], 'query')
    expect(Array.from(vector!)).toEqual([0, 1])
    expect(embeddings.queries).toBe(1)
  })

  it('retries transient faults and reports others as EMBEDDER_UNAVAILABLE', async () => {
    const embeddings = new ScriptedEmbeddings([withStatus(429), withStatus(401)])
    const waits: number[] = []
    const embedder = new LangChainEmbedder({ embeddings, sleep: async (ms) => void waits.push(ms) })
    const error = await embedder.embed(['a'], 'document').catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: 'EMBEDDER_UNAVAILABLE', retryable: false })
    expect(embeddings.calls).toBe(2)
    expect(waits).toHaveLength(1)
  })

  it('rejects a vector count that does not match the texts', async () => {
    const embedder = new LangChainEmbedder({ embeddings: new ScriptedEmbeddings([[[1, 0]]]) })
    await expect(embedder.embed(['a', 'b'], 'document')).rejects.toMatchObject({ code: 'EMBEDDER_UNAVAILABLE' })
  })
})
