import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { EngramError } from '../../src/errors.js'
import { callTool, callTools } from '../../src/llm/call-tool.js'
import { extractFactsTool } from '../../src/prompts/extract-facts.js'
import { MAX_MEMORY_TEXT_LENGTH } from '../../src/prompts/model-output-limits.js'
import { updateGraphTools } from '../../src/prompts/update-graph.js'
import type { ChatMessage, ChatResponse, LLM } from '../../src/ports.js'
import { ScriptedLLM, toolCall } from '../doubles/scripted-llm.js'

// The real tools of the protocol (docs/contract.md), as the pipelines offer them.
const extractFacts = extractFactsTool
const { add_relation: addRelation, noop } = updateGraphTools

const messages: ChatMessage[] = [
  { role: 'system', content: 'Extract facts.' },
  { role: 'user', content: 'I like green tea.' },
]

const text = (content: string): ChatResponse => ({ toolCalls: [], text: content })
const raw = (name: string, args: string): ChatResponse => ({ toolCalls: [{ name, arguments: args }], text: '' })

describe('callTool', () => {
  it('forces the tool, offers its JSON Schema and returns the validated arguments', async () => {
    const llm = new ScriptedLLM({ extract_facts: [{ facts: ['Likes green tea'] }] })
    await expect(callTool(llm, { messages, tool: extractFacts })).resolves.toEqual({ facts: ['Likes green tea'] })
    const [request] = llm.requests
    expect(request?.messages).toEqual(messages)
    expect(request?.toolChoice).toEqual({ type: 'tool', name: 'extract_facts' })
    expect(request?.tools).toEqual([
      {
        name: 'extract_facts',
        description: extractFacts.description,
        parameters: {
          type: 'object',
          properties: {
            facts: { type: 'array', description: extractFacts.schema.shape.facts.description, items: { type: 'string', maxLength: MAX_MEMORY_TEXT_LENGTH } },
          },
          required: ['facts'],
        },
      },
    ])
  })

  it('shows the model its invalid arguments and the zod problem, then accepts the correction', async () => {
    const llm = new ScriptedLLM({ extract_facts: [{ facts: [42] }, { facts: ['Likes green tea'] }] })
    await expect(callTool(llm, { messages, tool: extractFacts })).resolves.toEqual({ facts: ['Likes green tea'] })
    expect(llm.requests).toHaveLength(2)
    const retry = llm.requests[1]!.messages
    expect(retry.slice(0, 2)).toEqual(messages)
    expect(retry[2]).toEqual({ role: 'assistant', content: 'Called `extract_facts` with arguments: {"facts":[42]}' })
    expect(retry[3]?.role).toBe('user')
    expect(retry[3]?.content).toContain('facts.0: Invalid input: expected string, received number')
    expect(retry[3]?.content).toContain('Call the `extract_facts` tool again')
  })

  it('retries once after a text-only reply', async () => {
    const llm = new ScriptedLLM({ extract_facts: [text('Sure! The user likes tea.'), { facts: ['Likes tea'] }] })
    await expect(callTool(llm, { messages, tool: extractFacts })).resolves.toEqual({ facts: ['Likes tea'] })
    const retry = llm.requests[1]!.messages
    expect(retry[2]).toEqual({ role: 'assistant', content: 'Sure! The user likes tea.' })
    expect(retry[3]?.content).toContain('the reply was text instead of a call to the `extract_facts` tool')
  })

  it('retries once after unparsable JSON or a call to an unknown tool', async () => {
    const llm = new ScriptedLLM({
      extract_facts: [raw('extract_facts', '{"facts": ['), raw('remember', '{}'), { facts: [] }],
    })
    await expect(callTool(llm, { messages, tool: extractFacts })).rejects.toMatchObject({ code: 'LLM_BAD_OUTPUT' })
    expect(llm.requests[1]!.messages[3]?.content).toContain('the arguments of `extract_facts` are not valid JSON')

    const second = new ScriptedLLM({ extract_facts: [raw('remember', '{}'), { facts: [] }] })
    await expect(callTool(second, { messages, tool: extractFacts })).resolves.toEqual({ facts: [] })
    expect(second.requests[1]!.messages[3]?.content).toContain('`remember` is not an available tool; the tools are `extract_facts`')
  })

  it('throws LLM_BAD_OUTPUT naming the tool and the problem after the second failure', async () => {
    const llm = new ScriptedLLM({ extract_facts: [{ facts: 'tea' }, { fact: ['tea'] }] })
    const error = await callTool(llm, { messages, tool: extractFacts }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(EngramError)
    expect(error).toMatchObject({ code: 'LLM_BAD_OUTPUT', retryable: false })
    expect((error as Error).message).toContain('scripted did not call the `extract_facts` tool correctly')
    expect((error as Error).message).toContain('facts: Invalid input: expected array, received undefined')
    expect(llm.requests).toHaveLength(2)
  })

  it('applies the schema, so defaults and transforms reach the caller', async () => {
    const tool = { ...extractFacts, schema: z.object({ facts: z.array(z.string().trim()).default([]) }) }
    const llm = new ScriptedLLM({ extract_facts: [{}] })
    await expect(callTool(llm, { messages, tool })).resolves.toEqual({ facts: [] })
    expect(llm.requests[0]!.tools[0]!.parameters).not.toHaveProperty('required')
  })

  it('lets transport errors through unchanged, without a corrective retry', async () => {
    const failure = new EngramError('LLM_UNAVAILABLE', 'HTTP 503', { retryable: true })
    let calls = 0
    const llm: LLM = {
      model: 'down',
      chat: async () => {
        calls += 1
        throw failure
      },
    }
    await expect(callTool(llm, { messages, tool: extractFacts })).rejects.toBe(failure)
    expect(calls).toBe(1)
  })
})

describe('callTools', () => {
  const graphTools = [addRelation, noop]

  it('requires one or more calls and returns each validated call in order', async () => {
    const llm = new ScriptedLLM({
      required: [
        {
          toolCalls: [toolCall('add_relation', { source: 'alice', relationship: 'LIKES', destination: 'tea' }).toolCalls[0]!, { name: 'noop', arguments: '' }],
          text: '',
        },
      ],
    })
    await expect(callTools(llm, { messages, tools: graphTools })).resolves.toEqual([
      { name: 'add_relation', args: { source: 'alice', relationship: 'LIKES', destination: 'tea' } },
      { name: 'noop', args: {} },
    ])
    expect(llm.requests[0]?.toolChoice).toEqual({ type: 'required' })
    expect(llm.requests[0]?.tools.map((tool) => tool.name)).toEqual(['add_relation', 'noop'])
  })

  it('retries the whole reply when one call is invalid', async () => {
    const llm = new ScriptedLLM({
      required: [
        {
          toolCalls: [
            { name: 'noop', arguments: '{}' },
            { name: 'add_relation', arguments: '{"source":"alice"}' },
          ],
          text: '',
        },
        toolCall('noop', {}),
      ],
    })
    await expect(callTools(llm, { messages, tools: graphTools })).resolves.toEqual([{ name: 'noop', args: {} }])
    const correction = llm.requests[1]!.messages[3]?.content
    expect(correction).toContain('the arguments of `add_relation` do not match its schema: relationship: Invalid input')
    expect(correction).toContain('Call one or more of the tools `add_relation`, `noop` again')
  })
})
