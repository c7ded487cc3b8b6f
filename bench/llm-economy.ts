/**
 * LLM economy per add: how many calls, how many of them one after another, and how many tokens,
 * over the 200 fixture conversations (bench/fixtures/conversations.jsonl), added in order, each
 * persona's 25 conversations into that persona's own scope, so later adds meet the memories and
 * relations of earlier ones (the realistic case). The instant LLM answers from the ground truth;
 * a fixed 25 ms latency per call makes calls made side by side overlap, so the longest chain of
 * calls is the round trips an add waits for. Then searches, which must make no call.
 */
import type { EngramConfig } from '../src/index.js'
import type { CachedEmbedder } from './lib/cached-embedder.js'
import { memoryOver, openStores } from './lib/backends.js'
import { type FixtureConversation, loadConversations } from './lib/fixture.js'
import { instantLLM } from './lib/instant-llm.js'
import { type MeteredCall, MeteredLLM, sequentialRoundTrips } from './lib/metered-llm.js'
import { distribution, mean, round, summarize, type Summary } from './lib/stats.js'

/** Longer than Engram's own work between two calls of one add (a few ms), so overlap is real overlap. */
const SIMULATED_LATENCY_MS = 25
const STEPS = ['extract_memories', 'extract_facts', 'update_memory', 'extract_graph', 'update_graph', 'summarize_conversation'] as const
/** Steps that run after `add` has returned: they cost calls and tokens, but no round trip of the add. */
const BACKGROUND_STEPS: ReadonlySet<string> = new Set(['summarize_conversation'])
const criticalPath = (calls: readonly MeteredCall[]) => sequentialRoundTrips(calls.filter((call) => !BACKGROUND_STEPS.has(call.step)))

interface PassResult {
  adds: number
  callsPerAdd: { mean: number; distribution: Record<string, number> }
  roundTrips: { mean: number; max: number; distribution: Record<string, number> }
  promptTokensPerAdd: Summary
  completionTokensPerAdd: Summary
  steps: Record<string, { addsCalling: number; calls: number; promptTokensMean: number; completionTokensMean: number }>
  retries: number
}

export interface EconomyResult {
  conversations: number
  scopes: number
  messagesPerConversation: Summary
  graphOn: PassResult & {
    /** update_memory calls whose every decision was ADD, and graph-update calls that only added relations: the model changed nothing it was shown. */
    callsThatOnlyAdded: { updateMemory: number; updateGraph: number }
    events: { ADD: number; UPDATE: number; DELETE: number; relationsAdded: number; relationsUpdated: number; relationsInvalidated: number }
  }
  graphOff: PassResult
  /** Graph on with the protocol before the combined extraction: `extraction: "separate"`, `updateOn: "touch"`. */
  separateAlways: PassResult & { events: EconomyResult['graphOn']['events'] }
  callsPerSearch: { searches: number; calls: number }
}

export async function llmEconomy(embedder: CachedEmbedder): Promise<EconomyResult> {
  const conversations = loadConversations('conversations.jsonl')
  await embedder.prepare(
    conversations.flatMap((conversation) => [...conversation.facts.map((fact) => fact.text), ...conversation.entities.map((entity) => entity.name)]),
  )
  const on = await pass(conversations, embedder, true)
  const off = await pass(conversations, embedder, false)
  const separateAlways = await pass(conversations, embedder, true, { extraction: 'separate', updateOn: 'touch' })
  return {
    conversations: conversations.length,
    scopes: new Set(conversations.map((conversation) => conversation.userId)).size,
    messagesPerConversation: summarize(conversations.map((conversation) => conversation.messages.length)),
    graphOn: { ...on.result, callsThatOnlyAdded: on.onlyAdded, events: on.events },
    graphOff: off.result,
    separateAlways: { ...separateAlways.result, events: separateAlways.events },
    callsPerSearch: on.search,
  }
}

async function pass(conversations: readonly FixtureConversation[], embedder: CachedEmbedder, graph: boolean, settings: EngramConfig['graph'] = {}) {
  const { llm: scripted, decisions } = instantLLM(conversations)
  const llm = new MeteredLLM(scripted, SIMULATED_LATENCY_MS)
  const stores = await openStores('embedded')
  const memory = await memoryOver(stores, llm, embedder, settings)
  const perAdd: MeteredCall[][] = []
  const events = { ADD: 0, UPDATE: 0, DELETE: 0, relationsAdded: 0, relationsUpdated: 0, relationsInvalidated: 0 }
  const search = { searches: 0, calls: 0 }
  try {
    for (const conversation of conversations) {
      const result = await memory.add(conversation.messages, { userId: conversation.userId, observedAt: conversation.observedAt, graph })
      if (result.errors !== undefined) throw new Error(`add ${conversation.id} reported errors: ${JSON.stringify(result.errors)}`)
      // The rolling summary this add may have started belongs to it.
      await memory.flush()
      perAdd.push(llm.take())
      for (const event of result.results) events[event.event] += 1
      events.relationsAdded += result.relations.added.length
      events.relationsUpdated += result.relations.updated.length
      events.relationsInvalidated += result.relations.invalidated.length
    }
    for (const conversation of conversations.filter((_, index) => index % 4 === 0)) {
      await memory.search(`What does ${conversation.userId} do at work and where do they live?`, { userId: conversation.userId, hops: 2 })
      search.searches += 1
      search.calls += llm.take().length
    }
  } finally {
    await memory.close()
  }
  const calls = perAdd.flat()
  const result: PassResult = {
    adds: perAdd.length,
    callsPerAdd: { mean: round(mean(perAdd.map((add) => add.length))), distribution: distribution(perAdd.map((add) => add.length)) },
    roundTrips: {
      mean: round(mean(perAdd.map(criticalPath))),
      max: Math.max(...perAdd.map(criticalPath)),
      distribution: distribution(perAdd.map(criticalPath)),
    },
    promptTokensPerAdd: summarize(perAdd.map((add) => add.reduce((sum, call) => sum + call.promptTokens, 0))),
    completionTokensPerAdd: summarize(perAdd.map((add) => add.reduce((sum, call) => sum + call.completionTokens, 0))),
    steps: Object.fromEntries(
      STEPS.map((step) => {
        const mine = calls.filter((call) => call.step === step)
        return [
          step,
          {
            addsCalling: perAdd.filter((add) => add.some((call) => call.step === step)).length,
            calls: mine.length,
            promptTokensMean: mine.length === 0 ? 0 : Math.round(mean(mine.map((call) => call.promptTokens))),
            completionTokensMean: mine.length === 0 ? 0 : Math.round(mean(mine.map((call) => call.completionTokens))),
          },
        ]
      }),
    ),
    // A step called twice in one add is the corrective retry of call-tool.ts.
    retries: perAdd.reduce((sum, add) => sum + add.length - new Set(add.map((call) => call.step)).size, 0),
  }
  const onlyAdded = {
    updateMemory: decisions.updateMemory.filter((decision) => decision.update === 0 && decision.none === 0).length,
    updateGraph: decisions.updateGraph.filter((decision) => decision.update === 0).length,
  }
  return { result, onlyAdded, events, search }
}
