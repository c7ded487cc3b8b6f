import type { ChatRequest } from '../../src/ports.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { chatText } from '../../src/llm/chat-text.js'

/*
 * A deterministic conversation for the crash and fault tests: add n says where person n works and
 * lives; every fourth add also rewrites one shown memory and deletes another, so adds exercise
 * inserts, updates, deletes, new and touched entities, and the graph-update step.
 */

// Two words, each unique to the add: the tests' hash embedder puts each word in one of its
// buckets, and two names that shared all their buckets would be merged as one entity.
const company = (n: number) => `Company ${n % 3}`
const city = (n: number) => `City ${n % 4}`
const person = (n: number) => `Per${n}son Fam${n}ily`

export function conversationOf(n: number): string {
  return `${person(n)} works at ${company(n)} and lives in ${city(n)}.`
}

function factsOf(n: number): string[] {
  return [`${person(n)} works at ${company(n)}`, `${person(n)} lives in ${city(n)}`]
}

/** How many memories the update step was shown ("0", "1", … in the prompt). */
function shownMemories(request: ChatRequest): number {
  const text = request.messages.map((message) => message.content).join('\n')
  const stored = /Stored memories:\n([\s\S]*?)\n\nNew facts:/.exec(text)?.[1] ?? ''
  return stored.split('\n').filter((line) => /^\d+: /.test(line)).length
}

/**
 * The add number a request is about, read from what it shows the model ("Per<n>son"): the conversation, or the
 * new facts or relations of the decision steps. For adds that run concurrently.
 */
export function addNumberOf(request: ChatRequest): number {
  const text = chatText(request.messages.at(-1)?.content ?? '')
  const marker = Math.max(text.lastIndexOf('New facts:'), text.lastIndexOf('New relations:'))
  // The last mention: extraction prompts may list known entities before the conversation.
  const found = [...(marker < 0 ? text : text.slice(marker)).matchAll(/per(\d+)son/gi)].at(-1)
  if (found === undefined) throw new Error('conversationLLM: no "Per<n>son" in the request')
  return Number(found[1])
}

/**
 * The LLM of add number `addOf(request)`: answers every tool of docs/contract.md for that add's
 * conversation. With `rewrites: false`, add decisions never update or delete stored memories.
 */
export function conversationLLM(addOf: (request: ChatRequest) => number, options: { rewrites?: boolean } = {}): ScriptedLLM {
  const currentAdd = (request: ChatRequest) => addOf(request)
  return new ScriptedLLM({
    extract_facts: (request) => ({ facts: factsOf(currentAdd(request)) }),
    update_memory: (request) => {
      const n = currentAdd(request)
      const adds = factsOf(n).map((text, index) => ({ id: String(100 + index), text, event: 'ADD' }))
      const shown = shownMemories(request)
      const rewrites =
        options.rewrites !== false && n % 4 === 3 && shown >= 2
          ? [
              { id: '0', text: `Rewritten in add ${n}`, event: 'UPDATE' },
              { id: '1', text: '', event: 'DELETE' },
            ]
          : []
      return { memory: [...adds, ...rewrites] }
    },
    extract_graph: (request) => {
      const n = currentAdd(request)
      return {
        entities: [
          { name: person(n), type: 'person' },
          { name: company(n), type: 'organization' },
          { name: city(n), type: 'city' },
        ],
        relations: [
          { source: person(n), relationship: 'works_at', destination: company(n) },
          { source: person(n), relationship: 'lives_in', destination: city(n) },
        ],
      }
    },
    required: (request) => {
      const n = currentAdd(request)
      return {
        toolCalls: [
          { name: 'add_relation', arguments: JSON.stringify({ source: person(n), relationship: 'works_at', destination: company(n) }) },
          { name: 'add_relation', arguments: JSON.stringify({ source: person(n), relationship: 'lives_in', destination: city(n) }) },
        ],
        text: '',
      }
    },
  })
}
