/**
 * Engram's own cost per add: the wall time of `memory.add` minus the time inside the LLM and the
 * embedding model, for a three-message conversation yielding 3 facts and 4 relations
 * (bench/fixtures/overhead-conversations.jsonl), graph on. The LLM answers instantly (instant-llm.ts)
 * and the embedder from vectors the real model computed beforehand (cached-embedder.ts), whose
 * cost per add is reported on its own. Eight scopes; each one's first add is a warm-up, so every
 * timed add meets memories and relations already stored (and runs both update steps). Rounds start
 * over on empty stores; `warmUpRounds` of them go first untimed, so that servers the benchmark has
 * just started are measured after their JIT compiled the hot paths, as a long-running server is.
 */
import { performance } from 'node:perf_hooks'
import { type BackendName, memoryOver, openStores } from './lib/backends.js'
import type { CachedEmbedder } from './lib/cached-embedder.js'
import { loadConversations } from './lib/fixture.js'
import { instantLLM } from './lib/instant-llm.js'
import { MeteredLLM } from './lib/metered-llm.js'
import { mean, round, summarize, type Summary } from './lib/stats.js'
import { timedPort } from './lib/timed-port.js'

export interface OverheadResult {
  backend: BackendName
  timedAdds: number
  /** Wall time minus LLM and embedding-model time: Engram's work, stores included. */
  overheadMs: Summary
  /** Wall time of the add with the instant LLM and cached vectors. */
  wallMs: Summary
  /** What the real embedding model spends per add on these texts (facts, entity names), measured beforehand. */
  embeddingModelMs: Summary
  llmCallsPerAdd: number
  factsPerAdd: number
  relationsPerAdd: number
  /** Mean time per timed add inside each store method (the two pipelines' calls may overlap). */
  storeMsPerAdd: Record<string, number>
  /** Texts the cache had not prepared (embedded during the add; their time is subtracted). */
  embedderMisses: number
  /** Overhead p50 of each round, the untimed warm-up rounds first: how long the servers take to warm up. */
  overheadP50ByRound?: number[]
  warmUpRounds?: number
}

export async function addOverhead(backend: BackendName, embedder: CachedEmbedder, rounds = 1, warmUpRounds = 0): Promise<OverheadResult> {
  const conversations = loadConversations('overhead-conversations.jsonl')
  await embedder.prepare(
    conversations.flatMap((conversation) => [...conversation.facts.map((fact) => fact.text), ...conversation.entities.map((entity) => entity.name)]),
  )
  const samples = {
    overhead: [] as number[],
    wall: [] as number[],
    model: [] as number[],
    calls: [] as number[],
    facts: [] as number[],
    relations: [] as number[],
  }
  let misses = 0
  const storeTimes = new Map<string, number>()
  const timedTotals = new Map<string, number>()
  const byRound: number[] = []
  for (let round = 0; round < warmUpRounds + rounds; round += 1) {
    const roundOverhead: number[] = []
    const { llm: scripted } = instantLLM(conversations)
    const llm = new MeteredLLM(scripted)
    const stores = await openStores(backend)
    const timed = {
      ...stores,
      vectorStore: timedPort(stores.vectorStore, 'vectorStore', storeTimes),
      graphStore: timedPort(stores.graphStore, 'graph', storeTimes),
    }
    const memory = await memoryOver(timed, llm, embedder)
    try {
      for (const conversation of conversations) {
        llm.take()
        llm.busyMs = 0
        embedder.takeCounters()
        storeTimes.clear()
        const started = performance.now()
        const result = await memory.add(conversation.messages, { userId: conversation.userId, observedAt: conversation.observedAt })
        const wall = performance.now() - started
        if (result.errors !== undefined) throw new Error(`add ${conversation.id} reported errors: ${JSON.stringify(result.errors)}`)
        const counters = embedder.takeCounters()
        misses += counters.misses
        if (conversation.sequence === 0) continue // warm-up: the scope's first add meets nothing stored
        roundOverhead.push(wall - llm.busyMs - counters.missMs)
        if (round < warmUpRounds) continue
        for (const [method, total] of storeTimes) timedTotals.set(method, (timedTotals.get(method) ?? 0) + total)
        samples.wall.push(wall)
        samples.overhead.push(wall - llm.busyMs - counters.missMs)
        samples.model.push(counters.modelMs)
        samples.calls.push(llm.take().length)
        samples.facts.push(result.results.length)
        samples.relations.push(result.relations.added.length + result.relations.updated.length + result.relations.invalidated.length)
      }
    } finally {
      await memory.close()
    }
    byRound.push(summarize(roundOverhead).p50)
  }
  return {
    backend,
    timedAdds: samples.overhead.length,
    overheadMs: summarize(samples.overhead),
    wallMs: summarize(samples.wall),
    embeddingModelMs: summarize(samples.model),
    llmCallsPerAdd: round(mean(samples.calls)),
    factsPerAdd: round(mean(samples.facts)),
    relationsPerAdd: round(mean(samples.relations)),
    storeMsPerAdd: Object.fromEntries([...timedTotals].map(([method, total]) => [method, round(total / samples.overhead.length)])),
    embedderMisses: misses,
    overheadP50ByRound: byRound,
    warmUpRounds,
  }
}
