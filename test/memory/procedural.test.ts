import { afterEach, describe, expect, it } from 'vitest'
import type { EngramConfig, Memory, Message } from '../../src/index.js'
import { PROCEDURE_BOUNDS } from '../../src/prompts/summarize-procedure.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { rejection } from '../helpers/rejection.js'
import { sharedLocalEmbedder } from '../helpers/shared-local-embedder.js'
import { openTempMemory } from '../helpers/temp-memory.js'

const RUN: Message[] = [
  { role: 'user', content: 'Deploy the billing service to staging.' },
  { role: 'assistant', content: 'Running `npm run build` in services/billing.' },
  { role: 'assistant', content: 'Build ok. Running `kubectl apply -f deploy/staging.yaml`.' },
  { role: 'assistant', content: 'Deployment billing-7f9 rolled out; health check returns 200.' },
]

const SUMMARY = {
  goal: 'Deploy the billing service to staging',
  steps: [
    { action: 'Built the service with npm run build in services/billing', output: 'build succeeded' },
    { action: 'Applied deploy/staging.yaml with kubectl', output: 'deployment billing-7f9 rolled out' },
  ],
  outcome: 'Billing runs on staging; the health check returns 200.',
}

const RENDERED = [
  'Goal: Deploy the billing service to staging',
  'Steps:',
  '1. Built the service with npm run build in services/billing → build succeeded',
  '2. Applied deploy/staging.yaml with kubectl → deployment billing-7f9 rolled out',
  'Outcome: Billing runs on staging; the health check returns 200.',
].join('\n')

describe('procedural memory', () => {
  let dispose: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dispose?.()
    dispose = undefined
  })

  // The graph store stays on (the default, SQLite): a procedural add must not write to it.
  async function open(llm: ScriptedLLM, config: EngramConfig = {}): Promise<Memory> {
    const opened = await openTempMemory({ llm, embedder: await sharedLocalEmbedder() }, config)
    dispose = opened.dispose
    return opened.memory
  }

  const scriptedLLM = () =>
    new ScriptedLLM({
      summarize_procedure: [SUMMARY],
      extract_facts: () => ({ facts: ['Prefers tea over coffee'] }),
      extract_graph: () => ({ entities: [{ name: 'tea', type: 'drink' }], relations: [{ source: 'I', relationship: 'likes', destination: 'tea' }] }),
    })

  it('stores one summary of the run, with one LLM call, no facts and no graph', async () => {
    const llm = scriptedLLM()
    const memory = await open(llm)

    const result = await memory.add(RUN, { agentId: 'deployer', runId: 'run-1', memoryType: 'procedural' })

    expect(llm.requests.map((request) => request.toolChoice)).toEqual([{ type: 'tool', name: 'summarize_procedure' }])
    // The whole run was shown to the model.
    expect(JSON.stringify(llm.requests[0]!.messages)).toContain('billing-7f9 rolled out')
    expect(result).toEqual({ results: [{ id: expect.any(String), memory: RENDERED, event: 'ADD' }], relations: { added: [], updated: [], invalidated: [] } })

    const stored = await memory.get(result.results[0]!.id)
    expect(stored).toMatchObject({ memory: RENDERED, memoryType: 'procedural', agentId: 'deployer', runId: 'run-1', mentions: 1 })
    const history = await memory.history(result.results[0]!.id)
    expect(history.map((entry) => [entry.event, entry.newMemory])).toEqual([['ADD', RENDERED]])
    expect(await memory.graph.export({ agentId: 'deployer' })).not.toContain('tea')
  })

  it('keeps procedural and semantic memories apart in search and getAll by memoryType', async () => {
    const llm = scriptedLLM()
    const memory = await open(llm, { graphStore: { provider: 'none' } })
    await memory.add(RUN, { agentId: 'deployer', memoryType: 'procedural' })
    await memory.add('I prefer tea over coffee', { userId: 'alice', agentId: 'deployer' })

    const texts = (items: Array<{ memory: string }>) => items.map((item) => item.memory).sort()
    const scope = { agentId: 'deployer' }
    expect(texts((await memory.search('how to deploy billing to staging', { ...scope, memoryType: 'procedural' })).results)).toEqual([RENDERED])
    expect(texts((await memory.search('how to deploy billing to staging', { ...scope, memoryType: 'semantic' })).results)).toEqual(['Prefers tea over coffee'])
    expect(texts((await memory.search('how to deploy billing to staging', scope)).results)).toEqual(['Prefers tea over coffee', RENDERED].sort())
    expect(texts((await memory.getAll({ ...scope, memoryType: 'procedural' })).results)).toEqual([RENDERED])
    expect((await memory.getAll({ ...scope, memoryType: 'semantic' })).results.map((item) => item.memoryType)).toEqual(['semantic'])
    // The summary is found by what the run was about, not only by its words.
    const [best] = (await memory.search('release the payments service to the test environment', { ...scope, limit: 1 })).results
    expect(best?.memory).toBe(RENDERED)
  })

  it('stores each run as its own memory, without comparing it with stored ones', async () => {
    const llm = new ScriptedLLM({ summarize_procedure: [SUMMARY, SUMMARY] })
    const memory = await open(llm, { graphStore: { provider: 'none' } })
    await memory.add(RUN, { agentId: 'deployer', memoryType: 'procedural' })
    await memory.add(RUN, { agentId: 'deployer', memoryType: 'procedural' })
    expect(llm.requests.map((request) => request.tools[0]!.name)).toEqual(['summarize_procedure', 'summarize_procedure'])
    expect((await memory.getAll({ agentId: 'deployer', memoryType: 'procedural' })).results).toHaveLength(2)
  })

  it('summarises with config.prompts.summarizeProcedure in place of the built-in instructions', async () => {
    const llm = new ScriptedLLM({ summarize_procedure: [SUMMARY] })
    const memory = await open(llm, { graphStore: { provider: 'none' }, prompts: { summarizeProcedure: 'Summarise the run for the on-call team.' } })
    await memory.add(RUN, { agentId: 'deployer', memoryType: 'procedural' })
    const [request] = llm.callsTo('summarize_procedure')
    expect(request!.messages[0]).toEqual({ role: 'system', content: expect.stringMatching(/^Summarise the run for the on-call team\.\n\nToday's date: /) })
    expect(JSON.stringify(request!.messages)).toContain('billing-7f9 rolled out')
  })

  it('requires agentId and writes nothing without it', async () => {
    const llm = scriptedLLM()
    const memory = await open(llm)
    const error = await rejection(memory.add(RUN, { userId: 'alice', memoryType: 'procedural' }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('agentId')
    expect(llm.requests).toHaveLength(0)
  })

  it('fails with LLM_BAD_OUTPUT and writes nothing when the summary stays over its bounds', async () => {
    const tooMany = { ...SUMMARY, steps: Array.from({ length: PROCEDURE_BOUNDS.steps + 1 }, (_, index) => ({ action: `step ${index}`, output: 'ok' })) }
    const llm = new ScriptedLLM({ summarize_procedure: [tooMany, tooMany] })
    const memory = await open(llm)

    const error = await rejection(memory.add(RUN, { agentId: 'deployer', memoryType: 'procedural' }))

    expect(error.code).toBe('LLM_BAD_OUTPUT')
    expect(llm.requests).toHaveLength(2)
    expect((await memory.getAll({ agentId: 'deployer' })).results).toEqual([])
  })

  it('stores the run verbatim as procedural memories with infer: false', async () => {
    const llm = scriptedLLM()
    const memory = await open(llm)
    await memory.add(RUN.slice(0, 2), { agentId: 'deployer', memoryType: 'procedural', infer: false })
    expect(llm.requests).toHaveLength(0)
    const stored = await memory.getAll({ agentId: 'deployer', memoryType: 'procedural' })
    expect(stored.results.map((item) => item.memory).sort()).toEqual(
      RUN.slice(0, 2)
        .map((message) => message.content as string)
        .sort(),
    )
  })
})
