/**
 * Throughput with N scopes written side by side (adds to one scope run one after another, by
 * design; different scopes run concurrently). Two workloads over the 200 fixture conversations:
 * bulk import with `infer: false` (each message stored as a memory, no LLM, no graph), and
 * `infer: true` adds with the instant LLM (graph on). The embedder answers from vectors
 * computed beforehand, so the figures are Engram's; the local model alone caps embedding at the
 * rate in the embedder table.
 *
 * Scopes: N=1 puts every conversation in one scope; N=8 one per persona; N=32 splits each
 * persona's conversations into four scopes, keeping their order within each.
 */
import { performance } from 'node:perf_hooks'
import { type BackendName, memoryOver, openStores } from './lib/backends.js'
import type { CachedEmbedder } from './lib/cached-embedder.js'
import { type FixtureConversation, loadConversations } from './lib/fixture.js'
import { instantLLM } from './lib/instant-llm.js'
import { round } from './lib/stats.js'

export interface ThroughputRow {
  scopes: number
  importMemoriesPerSecond: number
  importedMemories: number
  addsPerSecond: number
  adds: number
}

export interface ThroughputResult {
  backend: BackendName
  rows: ThroughputRow[]
}

function scopeOf(conversation: FixtureConversation, scopes: number): string {
  if (scopes === 1) return 'everyone'
  if (scopes === 8) return conversation.userId
  return `${conversation.userId}-${conversation.sequence % (scopes / 8)}`
}

export async function throughput(backend: BackendName, embedder: CachedEmbedder, scopeCounts: readonly number[]): Promise<ThroughputResult> {
  const conversations = loadConversations('conversations.jsonl')
  await embedder.prepare(
    conversations.flatMap((conversation) => [
      ...conversation.messages.map((message) => message.content),
      ...conversation.facts.map((fact) => fact.text),
      ...conversation.entities.map((entity) => entity.name),
    ]),
  )
  const rows: ThroughputRow[] = []
  for (const scopes of scopeCounts) {
    const imported = await timed(backend, embedder, undefined, conversations, (memory, conversation) =>
      memory.add(conversation.messages, { userId: scopeOf(conversation, scopes), infer: false }),
    )
    const inferred = await timed(backend, embedder, conversations, conversations, (memory, conversation) =>
      memory.add(conversation.messages, { userId: scopeOf(conversation, scopes), observedAt: conversation.observedAt }),
    )
    rows.push({
      scopes,
      importMemoriesPerSecond: Math.round(imported.stored / imported.seconds),
      importedMemories: imported.stored,
      addsPerSecond: round(conversations.length / inferred.seconds),
      adds: conversations.length,
    })
    console.log(JSON.stringify(rows.at(-1)))
  }
  return { backend, rows }
}

type Add = (memory: Awaited<ReturnType<typeof memoryOver>>, conversation: FixtureConversation) => Promise<{ results: unknown[]; errors?: unknown[] }>

/** Fires every add at once on fresh stores; the per-scope queue orders each scope's adds. */
async function timed(
  backend: BackendName,
  embedder: CachedEmbedder,
  truth: readonly FixtureConversation[] | undefined,
  conversations: readonly FixtureConversation[],
  add: Add,
): Promise<{ stored: number; seconds: number }> {
  const stores = await openStores(backend)
  const memory = await memoryOver(stores, truth === undefined ? undefined : instantLLM(truth).llm, embedder)
  try {
    // One write first, untimed, in a scope of its own: concurrent first writes to a fresh Weaviate
    // collection fail while it sets the vector index up ("store is read-only due to:
    // UpdateVectorIndexConfigs"), reported in BENCHMARKS.md. Steady-state throughput is the question here.
    await memory.add('warm-up', { userId: 'warm-up', infer: false })
    const started = performance.now()
    const results = await Promise.all(conversations.map((conversation) => add(memory, conversation)))
    const seconds = (performance.now() - started) / 1000
    const failed = results.find((result) => result.errors !== undefined)
    if (failed !== undefined) throw new Error(`an add reported errors: ${JSON.stringify(failed.errors)}`)
    return { stored: results.reduce((sum, result) => sum + result.results.length, 0), seconds }
  } finally {
    await memory.close()
  }
}
