import { afterEach, describe, expect, it } from 'vitest'
import type { ChatRequest, EngramConfig, Memory, MemoryAdapters } from '../../src/index.js'
import type { ChatContentPart } from '../../src/ports.js'
import { FakeOpenAIServer } from '../doubles/fake-openai-server.js'
import { callingTool, ScriptedChatModel } from '../doubles/scripted-chat-model.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { rejection } from '../helpers/rejection.js'
import { sharedLocalEmbedder } from '../helpers/shared-local-embedder.js'
import { openTempMemory } from '../helpers/temp-memory.js'

/** The scripted LLM, declaring the vision capability as a vision model's adapter does. */
class VisionLLM extends ScriptedLLM {
  readonly vision = true
}

const BIKE = 'https://images.example.com/bike.jpg'
const RECEIPT = 'https://images.example.com/receipt.png'
const DESCRIPTIONS: Record<string, string> = {
  [BIKE]: 'A red road bicycle leaning against a garage door.',
  [RECEIPT]: 'A receipt from Lisbon Bike Shop for 450 euros.',
}

const image = (url: string): ChatContentPart => ({ type: 'image_url', image_url: { url } })
const text = (value: string): ChatContentPart => ({ type: 'text', text: value })

/** The image URLs of a request's content parts. */
const imagesIn = (request: ChatRequest): string[] =>
  request.messages.flatMap((message) =>
    typeof message.content === 'string' ? [] : message.content.flatMap((part) => (part.type === 'image_url' ? [part.image_url.url] : [])),
  )

const promptOf = (request: ChatRequest): string =>
  request.messages.map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content))).join('\n')

/** Describes each image by its URL; echoes the conversation's image descriptions as facts. */
function describingLLM(): ScriptedLLM {
  return new VisionLLM({
    describe_image: (request) => ({ description: DESCRIPTIONS[imagesIn(request)[0]!] ?? 'An unknown picture.' }),
    extract_facts: (request) => ({ facts: [...promptOf(request).matchAll(/\[image: ([^\]]+)\]/g)].map((match) => `Shared a photo: ${match[1]}`) }),
  })
}

describe('images in messages', () => {
  let dispose: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dispose?.()
    dispose = undefined
  })

  async function open(adapters: MemoryAdapters, config: EngramConfig = {}): Promise<Memory> {
    const opened = await openTempMemory({ embedder: await sharedLocalEmbedder(), ...adapters }, { graphStore: { provider: 'none' }, ...config })
    dispose = opened.dispose
    return opened.memory
  }

  it('describes each distinct image once, with the image as a content part, and extracts from the description', async () => {
    const llm = describingLLM()
    const memory = await open({ llm })

    const result = await memory.add(
      [
        { role: 'user', content: [text('My new bike:'), image(BIKE), image(RECEIPT)] },
        { role: 'assistant', content: 'Nice! Where did you get it?' },
        { role: 'user', content: [text('Same one again, look'), image(BIKE)] },
      ],
      { userId: 'alice' },
    )

    const describeCalls = llm.callsTo('describe_image')
    expect(describeCalls.map(imagesIn).sort()).toEqual([[BIKE], [RECEIPT]])
    // The extraction sees text only: each image replaced by its description, where it was.
    const [extraction] = llm.callsTo('extract_facts')
    expect(imagesIn(extraction!)).toEqual([])
    expect(promptOf(extraction!)).toContain(`My new bike: [image: ${DESCRIPTIONS[BIKE]}] [image: ${DESCRIPTIONS[RECEIPT]}]`)
    expect(promptOf(extraction!)).toContain(`Same one again, look [image: ${DESCRIPTIONS[BIKE]}]`)
    expect(result.errors).toBeUndefined()
    expect(result.results.map((event) => event.memory).sort()).toEqual(
      [`Shared a photo: ${DESCRIPTIONS[BIKE]}`, `Shared a photo: ${DESCRIPTIONS[RECEIPT]}`].sort(),
    )

    const found = await memory.search('red bicycle', { userId: 'alice', limit: 1 })
    expect(found.results[0]?.memory).toBe(`Shared a photo: ${DESCRIPTIONS[BIKE]}`)
  })

  it('describes with config.prompts.describeImage in place of the built-in instructions', async () => {
    const llm = describingLLM()
    const memory = await open({ llm }, { prompts: { describeImage: 'Name the bicycle parts you can see.' } })
    await memory.add([{ role: 'user', content: [text('My bike:'), image(BIKE)] }], { userId: 'alice' })
    const [request] = llm.callsTo('describe_image')
    expect(request!.messages[0]).toEqual({ role: 'system', content: 'Name the bicycle parts you can see.' })
    expect(imagesIn(request!)).toEqual([BIKE])
  })

  it('describes the images of one add in parallel', async () => {
    let inFlight = 0
    let mostInFlight = 0
    let releaseAll: () => void = () => undefined
    const bothAsked = new Promise<void>((resolve) => (releaseAll = resolve))
    const llm = new VisionLLM({
      describe_image: async (request) => {
        inFlight += 1
        mostInFlight = Math.max(mostInFlight, inFlight)
        if (inFlight === 2) releaseAll()
        // Sequential calls would never see two in flight; the timer only keeps such a run from hanging.
        await Promise.race([bothAsked, new Promise((resolve) => setTimeout(resolve, 2000))])
        inFlight -= 1
        return { description: DESCRIPTIONS[imagesIn(request)[0]!] }
      },
      extract_facts: () => ({ facts: [] }),
    })
    const memory = await open({ llm })

    await memory.add([{ role: 'user', content: [image(BIKE), image(RECEIPT)] }], { userId: 'alice' })

    expect(mostInFlight).toBe(2)
  })

  it('skips images with a warning naming the image and the setting when the LLM has no vision', async () => {
    const memory = await open({
      llm: new ScriptedLLM({ extract_facts: (request) => ({ facts: promptOf(request).includes('[image') ? ['Saw an image'] : ['Bought a bike'] }) }),
    })

    const result = await memory.add([{ role: 'user', content: [text('I bought a bike'), image(BIKE)] }], { userId: 'alice' })

    expect(result.results.map((event) => event.memory)).toEqual(['Bought a bike'])
    expect(result.errors).toHaveLength(1)
    expect(result.errors![0]!.stage).toBe('facts')
    expect(result.errors![0]!.message).toContain(BIKE)
    expect(result.errors![0]!.message).toContain('llm.config.vision')
  })

  it('stores the text verbatim and warns about the image with infer: false, calling no LLM', async () => {
    const llm = describingLLM()
    const memory = await open({ llm })

    const result = await memory.add([{ role: 'user', content: [text('Picture of my garage'), image(BIKE)] }], { userId: 'alice', infer: false })

    expect(llm.requests).toHaveLength(0)
    expect(result.results.map((event) => event.memory)).toEqual(['Picture of my garage'])
    expect(result.errors?.map((error) => error.message)).toEqual([expect.stringContaining('infer: false')])
  })

  it('accepts a message that is only an image it cannot describe: nothing stored, a warning, no error', async () => {
    const nonVision = new ScriptedLLM({})
    const memory = await open({ llm: nonVision })

    for (const infer of [true, false]) {
      const result = await memory.add([{ role: 'user', content: [image(RECEIPT)] }], { userId: 'alice', infer })
      expect(result.results).toEqual([])
      expect(result.errors).toHaveLength(1)
      expect(result.errors![0]!.message).toContain(RECEIPT)
    }
    expect(nonVision.requests).toHaveLength(0)
    expect((await memory.getAll({ userId: 'alice' })).results).toEqual([])
  })

  it('keeps the rest of the add when a description fails', async () => {
    const llm = new VisionLLM({
      describe_image: (request) => (imagesIn(request)[0] === RECEIPT ? { description: '' } : { description: DESCRIPTIONS[BIKE] }),
      extract_facts: (request) => ({ facts: [...promptOf(request).matchAll(/\[image: ([^\]]+)\]/g)].map((match) => match[1]!) }),
    })
    const memory = await open({ llm })

    const result = await memory.add([{ role: 'user', content: [image(BIKE), image(RECEIPT)] }], { userId: 'alice' })

    expect(result.results.map((event) => event.memory)).toEqual([DESCRIPTIONS[BIKE]])
    expect(result.errors).toEqual([{ stage: 'facts', message: expect.stringMatching(/receipt\.png in message 1 was skipped: its description failed/) }])
    // The empty description was retried once with the problem shown, then given up.
    expect(llm.callsTo('describe_image').filter((request) => imagesIn(request)[0] === RECEIPT)).toHaveLength(2)
  })

  it('counts image URLs toward limits.maxInputBytes', async () => {
    const llm = describingLLM()
    const memory = await open({ llm }, { limits: { maxInputBytes: 2000 } })
    const bigImage = `data:image/png;base64,${'A'.repeat(3000)}`

    const error = await rejection(memory.add([{ role: 'user', content: [text('small text'), image(bigImage)] }], { userId: 'alice' }))

    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('maxInputBytes')
    expect(llm.requests).toHaveLength(0)
  })

  it('refuses content parts that are all blank text as before', async () => {
    const memory = await open({ llm: describingLLM() })
    const error = await rejection(memory.add([{ role: 'user', content: [text('   ')] }], { userId: 'alice' }))
    expect(error.code).toBe('INVALID_INPUT')
  })
})

describe('images through the real openai client', () => {
  let server: FakeOpenAIServer | undefined
  let dispose: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dispose?.()
    await server?.close()
    dispose = undefined
    server = undefined
  })

  it('sends the image as an image_url content part when llm.config.vision is set', async () => {
    server = await FakeOpenAIServer.byTool({
      describe_image: () => ({ description: DESCRIPTIONS[RECEIPT] }),
      extract_facts: () => ({ facts: ['Bought a bike at Lisbon Bike Shop for 450 euros'] }),
    })
    const opened = await openTempMemory(
      { embedder: await sharedLocalEmbedder() },
      { graphStore: { provider: 'none' }, llm: { provider: 'openai', config: { baseURL: server.url, apiKey: 'sk-test', vision: true, maxRetries: 0 } } },
    )
    dispose = opened.dispose

    const result = await opened.memory.add(
      [{ role: 'user', content: [text('Here is the receipt'), { type: 'image_url', image_url: { url: RECEIPT, detail: 'low' } }] }],
      {
        userId: 'alice',
      },
    )

    expect(result.results.map((event) => event.memory)).toEqual(['Bought a bike at Lisbon Bike Shop for 450 euros'])
    const [describe, extract] = server.chatRequests
    expect(describe?.tool_choice).toEqual({ type: 'function', function: { name: 'describe_image' } })
    const userTurn = describe!.messages.find((message) => message.role === 'user') as unknown as { content: unknown }
    expect(userTurn.content).toEqual([
      { type: 'text', text: expect.any(String) },
      { type: 'image_url', image_url: { url: RECEIPT, detail: 'low' } },
    ])
    // The extraction request carries text only, the description in the image's place.
    expect(JSON.stringify(extract!.messages)).not.toContain('image_url')
    expect(JSON.stringify(extract!.messages)).toContain(`Here is the receipt [image: ${DESCRIPTIONS[RECEIPT]}]`)
  })

  it('never sends an image to a model without vision', async () => {
    server = await FakeOpenAIServer.byTool({ extract_facts: () => ({ facts: [] }) })
    const opened = await openTempMemory(
      { embedder: await sharedLocalEmbedder() },
      { graphStore: { provider: 'none' }, llm: { provider: 'openai', config: { baseURL: server.url, apiKey: 'sk-test', maxRetries: 0 } } },
    )
    dispose = opened.dispose

    const result = await opened.memory.add([{ role: 'user', content: [text('Look'), image(BIKE)] }], { userId: 'alice' })

    expect(result.errors?.[0]?.message).toContain('not vision-capable')
    expect(server.chatRequests).toHaveLength(1)
    expect(JSON.stringify(server.chatRequests)).not.toContain(BIKE)
  })
})

describe('images through a LangChain chat model', () => {
  it('hands the image to the model as an image_url content block when llm.config.vision is set', async () => {
    const model = new ScriptedChatModel([
      callingTool('describe_image', { description: DESCRIPTIONS[BIKE]! }),
      callingTool('extract_facts', { facts: ['Owns a red road bicycle'] }),
    ])
    const opened = await openTempMemory(
      { embedder: await sharedLocalEmbedder() },
      { graphStore: { provider: 'none' }, llm: { provider: 'langchain', config: { model, vision: true, maxRetries: 0 } } },
    )
    try {
      const result = await opened.memory.add([{ role: 'user', content: [text('My bike'), image(BIKE)] }], { userId: 'alice' })

      expect(result.results.map((event) => event.memory)).toEqual(['Owns a red road bicycle'])
      const human = model.seen[0]!.find((message) => message.getType() === 'human')!
      expect(human.content).toEqual([
        { type: 'text', text: expect.any(String) },
        { type: 'image_url', image_url: { url: BIKE } },
      ])
      expect(JSON.stringify(model.seen[1]!.map((message) => message.content))).toContain(`My bike [image: ${DESCRIPTIONS[BIKE]}]`)
    } finally {
      await opened.dispose()
    }
  })
})
