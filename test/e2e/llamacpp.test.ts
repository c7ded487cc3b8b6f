import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { LlamaCppLLM } from '../../src/adapters/llamacpp/llamacpp-llm.js'
import { checkModelFile, defaultLocalLLMPath } from '../../src/adapters/llamacpp/model-file.js'
import { type ChatRequest, type ChatResponse, EngramError, type LLM, Memory } from '../../src/index.js'
import { extractFactsArgs } from '../../src/prompts/extract-facts.js'
import { extractGraphArgs } from '../../src/prompts/extract-graph.js'
import { updateGraphTools } from '../../src/prompts/update-graph.js'
import { updateMemoryArgs } from '../../src/prompts/update-memory.js'
import { EMBEDDED_STORES } from '../contract/backends.js'
import { testModelDir } from '../helpers/model-dir.js'

/** The argument schema of every tool docs/contract.md names: what each call the model makes must satisfy. */
const TOOL_SCHEMAS: Record<string, z.ZodType> = {
  extract_facts: extractFactsArgs,
  update_memory: updateMemoryArgs,
  extract_graph: extractGraphArgs,
  ...Object.fromEntries(Object.values(updateGraphTools).map((tool) => [tool.name, tool.schema])),
}

// Short messages need short replies; a small budget also ends a looping reply quickly.
const MAX_TOKENS = 384

// The prompts carry today's date; a fixed clock keeps the greedy model's replies the same every day.
const CLOCK = () => new Date('2026-03-02T10:00:00Z')

/**
 * The whole add → search loop on a real local GGUF model (SmolLM2-135M-Instruct, CPU only):
 * nothing about the LLM is scripted. The tiny model's answers are not judged, only their
 * structure: every tool call parses and matches its schema, and what it produced is stored with
 * provenance and found again. Needs `npx engram fetch-model --llm` (npm test runs it).
 */
describe('llamacpp provider: end to end with a real local model', () => {
  let llm: LlamaCppLLM
  let memory: Memory
  let dataDir: string
  const exchanges: Array<{ request: ChatRequest; response: ChatResponse }> = []

  beforeAll(async () => {
    llm = await LlamaCppLLM.open({ modelPath: defaultLocalLLMPath(), maxTokens: MAX_TOKENS })
    const observed: LLM = {
      model: llm.model,
      chat: async (request) => {
        const response = await llm.chat(request)
        exchanges.push({ request, response })
        return response
      },
    }
    dataDir = mkdtempSync(join(tmpdir(), 'engram-llamacpp-'))
    memory = await Memory.create(
      // The llamacpp provider's default extraction (config/resolve.ts); the model is passed as an adapter here.
      { dataDir, ...EMBEDDED_STORES, embedder: { provider: 'local', config: { modelDir: testModelDir() } }, graph: { extraction: 'separate' } },
      { llm: observed, clock: CLOCK },
    )
  }, 300_000)

  afterAll(async () => {
    await memory?.close()
    await llm?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('adds three messages through facts and graph, with schema-valid tool calls, and finds them again', async () => {
    const scope = { userId: 'alice' }
    const messages = ['I work as a nurse at Santa Maria hospital.', 'Alice works at Santa Maria hospital.', 'My brother Tom lives in Porto.']
    let failedAdds = 0
    const stageErrors: Array<{ message: string; truncated: boolean }> = []
    // Provenance: a relation learned in an add that also stored facts points at those facts.
    const provenance: Array<{ factIds: string[]; memoryIds: string[][] }> = []
    for (const content of messages) {
      const before = exchanges.length
      try {
        const added = await memory.add([{ role: 'user', name: 'alice', content }], scope)
        const truncated = exchanges.slice(before).some(({ response }) => response.truncated === true)
        stageErrors.push(...(added.errors ?? []).map((error) => ({ message: error.message, truncated })))
        const factIds = added.results.filter((event) => event.event !== 'DELETE').map((event) => event.id)
        if (factIds.length > 0) provenance.push({ factIds, memoryIds: added.relations.added.map((relation) => relation.memoryIds ?? []) })
      } catch (error) {
        // Greedy decoding is exact arithmetic on one CPU but not across CPUs (llama.cpp picks its
        // kernels by instruction set), so on some machines the tiny model loops on a message until
        // the token budget, twice. The add must then fail as the README's fault table says
        // (LLM_BAD_OUTPUT), and only because replies were cut short.
        expect(error).toMatchObject({ code: 'LLM_BAD_OUTPUT' })
        expect(exchanges.slice(before).some(({ response }) => response.truncated === true)).toBe(true)
        failedAdds += 1
      }
    }
    expect(failedAdds).toBeLessThan(messages.length)

    const steps = exchanges.map(({ request }) => (request.toolChoice.type === 'tool' ? request.toolChoice.name : 'update_graph'))
    expect(steps).toEqual(expect.arrayContaining(['extract_facts', 'extract_graph']))
    expect(steps).not.toContain('extract_memories')
    // The grammar makes every finished reply a well-formed call; the only way out is a reply the
    // token budget cut short (the tiny model sometimes loops), which call-tool then retries.
    const finished = exchanges.filter(({ response }) => response.truncated !== true)
    expect(finished.length).toBeGreaterThan(0)
    for (const { request, response } of finished) {
      expect(response.toolCalls.length).toBeGreaterThan(0)
      if (request.toolChoice.type === 'tool') expect(response.toolCalls.map((call) => call.name)).toEqual([request.toolChoice.name])
      for (const call of response.toolCalls) {
        const schema = TOOL_SCHEMAS[call.name]
        expect(schema, `the model called an unknown tool ${call.name}`).toBeDefined()
        expect(schema!.safeParse(JSON.parse(call.arguments)).success, `${call.name}(${call.arguments})`).toBe(true)
      }
    }
    for (const { response } of exchanges) expect(response.usage!.promptTokens).toBeGreaterThan(0)

    const stored = await memory.getAll(scope)
    expect(stored.results.length).toBeGreaterThan(0)
    for (const fact of stored.results) expect((await memory.history(fact.id))[0]).toMatchObject({ event: 'ADD', memoryId: fact.id })
    for (const relation of stored.relations) expect(relation.relationship).toMatch(/^[A-Z][A-Z0-9_]{0,63}$/)
    for (const { factIds, memoryIds } of provenance) for (const cited of memoryIds) expect(cited.some((id) => factIds.includes(id))).toBe(true)
    // The tiny model often writes whole sentences as relationship types: those are refused, and the
    // add says why rather than storing them. Any other stage error comes from a reply the token
    // budget cut short (the loop above), reported by the stage instead of failing the whole add.
    for (const { message, truncated } of stageErrors) {
      if (!/relationship|extract_graph|update_graph/.test(message)) {
        expect(truncated, message).toBe(true)
        expect(message).toMatch(/did not call the `\w+` tool correctly/)
      }
    }

    const calls = exchanges.length
    const found = await memory.search('Where does Alice work and live?', scope)
    expect(found.results.length + found.relations.length).toBeGreaterThan(0)
    expect(exchanges).toHaveLength(calls) // search makes no LLM call
  }, 600_000)

  it('refuses a missing model file at Memory.create, naming the command that fetches one', async () => {
    const failure = Memory.create({ dataDir, ...EMBEDDED_STORES, llm: { provider: 'llamacpp', config: { modelPath: join(dataDir, 'missing.gguf') } } })
    await expect(failure).rejects.toBeInstanceOf(EngramError)
    await expect(failure).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE', message: expect.stringContaining('npx engram fetch-model --llm') })
  })

  it('refuses a model larger than the free memory before loading it', () => {
    expect(() => checkModelFile(defaultLocalLLMPath(), 1024 ** 2)).toThrow(
      expect.objectContaining({ code: 'LLM_UNAVAILABLE', message: expect.stringContaining('of memory is free') }),
    )
    expect(() => checkModelFile(defaultLocalLLMPath(), 1024 ** 4)).not.toThrow()
  })

  it('refuses a prompt that does not fit the context, instead of cutting it', async () => {
    const small = await LlamaCppLLM.open({ modelPath: defaultLocalLLMPath(), contextSize: 512, maxTokens: 64 })
    try {
      const request: ChatRequest = {
        messages: [{ role: 'user', content: 'word '.repeat(1000) }],
        tools: [{ name: 'noop', description: 'Nothing changes.', parameters: { type: 'object', properties: {} } }],
        toolChoice: { type: 'tool', name: 'noop' },
      }
      await expect(small.chat(request)).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE', message: expect.stringContaining('contextSize') })
    } finally {
      await small.close()
    }
  }, 120_000)
})
