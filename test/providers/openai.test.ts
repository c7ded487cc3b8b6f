import { afterEach, describe, expect, it } from 'vitest'
import { OpenAIEmbedder } from '../../src/adapters/openai/openai-embedder.js'
import { DEFAULT_OPENAI_MODEL, OpenAILLM } from '../../src/adapters/openai/openai-llm.js'
import { EngramError } from '../../src/errors.js'
import { callTool, callTools } from '../../src/llm/call-tool.js'
import { extractFactsTool } from '../../src/prompts/extract-facts.js'
import { updateGraphTools } from '../../src/prompts/update-graph.js'
import { withRetry } from '../../src/llm/retry.js'
import type { ChatMessage } from '../../src/ports.js'
import { FakeOpenAIServer, reply, type FakeOpenAIScript } from '../doubles/fake-openai-server.js'

// The real tools of the protocol (SPEC §3), as the pipelines offer them.
const extractFacts = extractFactsTool
const { add_relation: addRelation, noop } = updateGraphTools

const messages: ChatMessage[] = [
  { role: 'system', content: 'Extract facts.' },
  { role: 'user', content: 'I like green tea.' },
]

const facts = (...values: string[]) => reply.toolCall('extract_facts', { facts: values })

let server: FakeOpenAIServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function serve(script: FakeOpenAIScript): Promise<FakeOpenAIServer> {
  server = await FakeOpenAIServer.start(script)
  return server
}

/** A retry policy that records its waits instead of sleeping. */
function noWait(maxRetries?: number): { maxRetries?: number; sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = []
  return { maxRetries, waits, sleep: async (ms) => void waits.push(ms) }
}

const failure = (promise: Promise<unknown>): Promise<EngramError> =>
  promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(EngramError)
      return error as EngramError
    },
  )

describe('OpenAILLM through the real openai client', () => {
  it('round-trips a forced tool call', async () => {
    const fake = await serve({ chat: [facts('Likes green tea')] })
    const llm = new OpenAILLM({ baseURL: fake.url, apiKey: 'sk-test', model: 'gpt-test', temperature: 0.2 })

    await expect(callTool(llm, { messages, tool: extractFacts })).resolves.toEqual({ facts: ['Likes green tea'] })

    const [body] = fake.chatRequests
    expect(body).toMatchObject({
      model: 'gpt-test',
      temperature: 0.2,
      messages,
      tool_choice: { type: 'function', function: { name: 'extract_facts' } },
      tools: [
        {
          type: 'function',
          function: {
            name: 'extract_facts',
            description: extractFacts.description,
            parameters: { type: 'object', properties: { facts: { type: 'array', items: { type: 'string' } } }, required: ['facts'] },
          },
        },
      ],
    })
    expect(body?.tools?.[0]?.function.parameters).not.toHaveProperty('$schema')
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-test')
  })

  it('maps usage and defaults the model', async () => {
    const fake = await serve({ chat: [facts('x')] })
    const llm = new OpenAILLM({ baseURL: fake.url, apiKey: 'sk-test' })
    const response = await llm.chat({ messages, tools: [], toolChoice: { type: 'required' } })
    expect(llm.model).toBe(DEFAULT_OPENAI_MODEL)
    expect(fake.chatRequests[0]?.model).toBe('gpt-4.1-mini')
    expect(response.usage?.promptTokens).toBeGreaterThan(0)
    expect(response.usage?.completionTokens).toBeGreaterThan(0)
  })

  it('sends no Authorization header without an API key (keyless local servers)', async () => {
    const fake = await serve({ chat: [facts('x')] })
    await callTool(new OpenAILLM({ baseURL: fake.url }), { messages, tool: extractFacts })
    expect(fake.requests[0]?.headers).not.toHaveProperty('authorization')
  })

  it('asks for one or more calls with tool_choice "required" and returns them in order', async () => {
    const fake = await serve({
      chat: [
        reply.toolCalls([
          { name: 'add_relation', args: { source: 'alice', relationship: 'LIKES', destination: 'green tea' } },
          { name: 'noop', args: {} },
        ]),
      ],
    })
    const llm = new OpenAILLM({ baseURL: fake.url, apiKey: 'sk-test' })
    await expect(callTools(llm, { messages, tools: [addRelation, noop] })).resolves.toEqual([
      { name: 'add_relation', args: { source: 'alice', relationship: 'LIKES', destination: 'green tea' } },
      { name: 'noop', args: {} },
    ])
    expect(fake.chatRequests[0]?.tool_choice).toBe('required')
    expect(fake.chatRequests[0]?.tools?.map((tool) => tool.function.name)).toEqual(['add_relation', 'noop'])
  })

  it('retries a 429 after its Retry-After through withRetry', async () => {
    const fake = await serve({ chat: [reply.error(429, { message: 'Rate limit reached', retryAfter: 0 }), facts('x')] })
    const policy = noWait()
    const llm = withRetry(new OpenAILLM({ baseURL: fake.url, apiKey: 'sk-test' }), policy)
    await expect(callTool(llm, { messages, tool: extractFacts })).resolves.toEqual({ facts: ['x'] })
    expect(fake.chatRequests).toHaveLength(2)
    expect(policy.waits).toEqual([0])
  })

  it('retries 500 twice, then succeeds', async () => {
    const fake = await serve({ chat: [reply.error(500), reply.error(500), facts('x')] })
    const policy = noWait()
    const llm = withRetry(new OpenAILLM({ baseURL: fake.url, apiKey: 'sk-test' }), policy)
    await expect(callTool(llm, { messages, tool: extractFacts })).resolves.toEqual({ facts: ['x'] })
    expect(fake.chatRequests).toHaveLength(3)
    expect(policy.waits).toHaveLength(2)
  })

  it('gives up on a persistent 503 after maxRetries + 1 attempts, still retryable', async () => {
    const fake = await serve({ chat: () => reply.error(503, { message: 'overloaded' }) })
    const llm = withRetry(new OpenAILLM({ baseURL: fake.url, apiKey: 'sk-test' }), noWait(2))
    const error = await failure(callTool(llm, { messages, tool: extractFacts }))
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: true })
    expect(error.message).toContain('HTTP 503 overloaded')
    expect(fake.chatRequests).toHaveLength(3)
  })

  it('does not retry a 401 and points at OPENAI_API_KEY and baseURL', async () => {
    const fake = await serve({ chat: () => reply.error(401, { message: 'Incorrect API key provided' }) })
    const llm = withRetry(new OpenAILLM({ baseURL: fake.url, apiKey: 'sk-wrong' }), noWait())
    const error = await failure(callTool(llm, { messages, tool: extractFacts }))
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: false })
    expect(error.message).toContain('OPENAI_API_KEY')
    expect(error.message).toContain(fake.url)
    expect(fake.chatRequests).toHaveLength(1)
  })

  it('names the model on a 404', async () => {
    const fake = await serve({ chat: [reply.error(404, { message: 'The model `gpt-nope` does not exist' })] })
    const error = await failure(callTool(new OpenAILLM({ baseURL: fake.url, apiKey: 'sk', model: 'gpt-nope' }), { messages, tool: extractFacts }))
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: false })
    expect(error.message).toContain('Model "gpt-nope" was not found')
  })

  it('does not retry an exhausted quota, though it is a 429', async () => {
    const fake = await serve({ chat: [reply.error(429, { message: 'You exceeded your current quota', code: 'insufficient_quota' })] })
    const error = await failure(callTool(new OpenAILLM({ baseURL: fake.url, apiKey: 'sk' }), { messages, tool: extractFacts }))
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: false })
  })

  it('reports an unreachable server as retryable', async () => {
    const fake = await serve({})
    const url = fake.url
    await fake.close()
    server = undefined
    const error = await failure(callTool(new OpenAILLM({ baseURL: url, apiKey: 'sk' }), { messages, tool: extractFacts }))
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: true })
    expect(error.message).toContain('ECONNREFUSED')
  })

  it('turns a timeout into a retryable LLM_UNAVAILABLE', async () => {
    const fake = await serve({ chat: [reply.delay(2000, facts('late'))] })
    const error = await failure(callTool(new OpenAILLM({ baseURL: fake.url, apiKey: 'sk', timeoutMs: 200 }), { messages, tool: extractFacts }))
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: true })
    expect(error.message).toContain('did not answer within 200 ms')
  })

  it('corrects malformed JSON arguments, showing the model the parse problem', async () => {
    const fake = await serve({ chat: [reply.toolCall('extract_facts', '{"facts": ["tea"'), facts('tea')] })
    const llm = new OpenAILLM({ baseURL: fake.url, apiKey: 'sk' })
    await expect(callTool(llm, { messages, tool: extractFacts })).resolves.toEqual({ facts: ['tea'] })
    const retry = fake.chatRequests[1]?.messages
    expect(retry?.[2]).toEqual({ role: 'assistant', content: 'Called `extract_facts` with arguments: {"facts": ["tea"' })
    expect(retry?.[3]?.role).toBe('user')
    expect(retry?.[3]?.content).toContain('the arguments of `extract_facts` are not valid JSON')
  })

  it('throws LLM_BAD_OUTPUT when the arguments are invalid twice', async () => {
    const fake = await serve({ chat: [reply.toolCall('extract_facts', { facts: [1] }), reply.toolCall('extract_facts', { facts: [2] })] })
    const error = await failure(callTool(new OpenAILLM({ baseURL: fake.url, apiKey: 'sk' }), { messages, tool: extractFacts }))
    expect(error).toMatchObject({ code: 'LLM_BAD_OUTPUT', retryable: false })
    expect(error.message).toContain('`extract_facts`')
    expect(error.message).toContain('facts.0: Invalid input: expected string, received number')
    expect(fake.chatRequests).toHaveLength(2)
  })

  it('recovers from a text answer by asking for the tool call again', async () => {
    const fake = await serve({ chat: [reply.text('The user likes tea.'), facts('Likes tea')] })
    await expect(callTool(new OpenAILLM({ baseURL: fake.url, apiKey: 'sk' }), { messages, tool: extractFacts })).resolves.toEqual({
      facts: ['Likes tea'],
    })
    expect(fake.chatRequests[1]?.messages[2]).toEqual({ role: 'assistant', content: 'The user likes tea.' })
  })

  it('answers by tool name with FakeOpenAIServer.byTool', async () => {
    server = await FakeOpenAIServer.byTool({
      extract_facts: (body) => ({ facts: [`seen ${body.messages.length} messages`] }),
    })
    const llm = new OpenAILLM({ baseURL: server.url, apiKey: 'sk' })
    await expect(callTool(llm, { messages, tool: extractFacts })).resolves.toEqual({ facts: ['seen 2 messages'] })
  })
})

describe('OpenAIEmbedder through the real openai client', () => {
  it('splits more than 2048 texts into batches and keeps their order', async () => {
    const fake = await serve({})
    const embedder = new OpenAIEmbedder({ baseURL: fake.url, apiKey: 'sk', dimensions: 8 })
    const texts = Array.from({ length: 2050 }, (_, index) => `text number ${index}`)
    const vectors = await embedder.embed(texts, 'document')
    expect(fake.embeddingRequests.map((body) => body.input.length)).toEqual([2048, 2])
    expect(fake.embeddingRequests[0]).toMatchObject({ model: 'text-embedding-3-small', dimensions: 8, encoding_format: 'float' })
    expect(embedder.model).toBe('text-embedding-3-small@8')
    expect(vectors).toHaveLength(2050)
    expect(vectors[2049]).toBeInstanceOf(Float32Array)
    expect(vectors[2049]).toHaveLength(8)
    const again = await embedder.embed(['text number 2049'], 'document')
    expect(Array.from(again[0]!)).toEqual(Array.from(vectors[2049]!))
  })

  it('L2-normalises what the server returns', async () => {
    const fake = await serve({ embeddings: [reply.vectors([[3, 4], [0, 0]])] })
    const vectors = await new OpenAIEmbedder({ baseURL: fake.url, apiKey: 'sk' }).embed(['a', 'b'], 'document')
    expect(Array.from(vectors[0]!)).toEqual([Math.fround(0.6), Math.fround(0.8)])
    expect(Array.from(vectors[1]!)).toEqual([0, 0])
  })

  it('retries transient faults itself and reports others as EMBEDDER_UNAVAILABLE', async () => {
    const fake = await serve({ embeddings: [reply.error(429, { retryAfter: 0 }), reply.error(401)] })
    const policy = noWait()
    const embedder = new OpenAIEmbedder({ baseURL: fake.url, apiKey: 'sk', ...policy })
    const error = await failure(embedder.embed(['a'], 'document'))
    expect(error).toMatchObject({ code: 'EMBEDDER_UNAVAILABLE', retryable: false })
    expect(error.message).toContain('OPENAI_API_KEY')
    expect(fake.embeddingRequests).toHaveLength(2)
    expect(policy.waits).toEqual([0])
    await expect(embedder.embed(['a'], 'document')).resolves.toHaveLength(1)
  })
})
