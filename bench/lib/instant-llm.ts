/**
 * The benchmark LLM: answers every Engram step at once, from the ground truth the fixture
 * generator stored with each conversation, and decides the update steps from what it is shown,
 * as a careful model would. Built on the test double (test/doubles/scripted-llm.ts); bench
 * scaffolding, never a default.
 *
 * - extract_facts / extract_graph: the conversation's facts, entities and relations.
 * - update_memory: NONE for a fact already stored word for word; UPDATE of a stored memory that
 *   fills the same slot ("city", "employer") with other words; ADD otherwise.
 * - graph update: nothing for a relation already shown; update_relation when a single-valued
 *   relation (LIVES_IN, WORKS_AT, FOLLOWS_DIET) of the same source now points elsewhere;
 *   add_relation otherwise; noop when nothing changes.
 * - summarize_conversation (the background refresh every `context.summaryEvery` adds): the
 *   messages it is shown, cut to the summary's length limit.
 */
import { entityKey } from '../../src/normalize.js'
import type { ChatRequest } from '../../src/ports.js'
import { renderConversation } from '../../src/prompts/render.js'
import { ScriptedLLM, toolCall } from '../../test/doubles/scripted-llm.js'
import type { FixtureConversation } from './fixture.js'

/** The heading of the messages to extract from (src/prompts/render.ts extractionMessages). */
const CONVERSATION_HEADING = 'Conversation:\n'

/** Within the limit of `summarize_conversation` (src/prompts/summarize-conversation.ts). */
const SUMMARY_CHARS = 2000

/** Relationships a source has one of at a time: a new destination replaces the old one. */
const SINGLE_VALUED = new Set(['LIVES_IN', 'WORKS_AT', 'FOLLOWS_DIET'])

/** What the update steps decided, so the economy benchmark can tell which calls changed something. */
export interface DecisionLog {
  updateMemory: Array<{ add: number; update: number; none: number }>
  updateGraph: Array<{ add: number; update: number; noop: boolean }>
}

export function instantLLM(conversations: readonly FixtureConversation[]): { llm: ScriptedLLM; decisions: DecisionLog } {
  const truth = new Map(conversations.map((conversation) => [renderConversation(conversation.messages), conversation]))
  const slots = new Map(conversations.flatMap((conversation) => conversation.facts.flatMap((fact) => (fact.slot ? [[fact.text, fact.slot] as const] : []))))
  const decisions: DecisionLog = { updateMemory: [], updateGraph: [] }

  const conversationOf = (request: ChatRequest): FixtureConversation => {
    // The new messages follow the last heading; the earlier conversation, when shown, precedes it.
    const prompt = userText(request)
    const text = prompt.slice(prompt.lastIndexOf(CONVERSATION_HEADING) + CONVERSATION_HEADING.length)
    const found = truth.get(text)
    if (found === undefined) throw new Error(`instant LLM: no ground truth for conversation ${JSON.stringify(text.slice(0, 80))}`)
    return found
  }

  const llm = new ScriptedLLM({
    extract_facts: (request) => ({ facts: conversationOf(request).facts.map((fact) => fact.text) }),
    extract_graph: (request) => {
      const { entities, relations } = conversationOf(request)
      return { entities, relations }
    },
    update_memory: (request) => {
      const [stored, facts] = sections(userText(request), 'Stored memories:', 'New facts:')
      const shown = numbered(stored)
      const used = new Set<string>()
      const memory = bullets(facts).map((fact, index) => {
        const same = shown.find((line) => line.text === fact)
        if (same !== undefined) return { id: same.id, text: fact, event: 'NONE' as const }
        const slot = slots.get(fact)
        const replaced = slot === undefined ? undefined : shown.find((line) => slots.get(line.text) === slot && !used.has(line.id))
        if (replaced === undefined) return { id: `new-${index}`, text: fact, event: 'ADD' as const }
        used.add(replaced.id)
        return { id: replaced.id, text: fact, event: 'UPDATE' as const, old_memory: replaced.text }
      })
      decisions.updateMemory.push({
        add: memory.filter((decision) => decision.event === 'ADD').length,
        update: memory.filter((decision) => decision.event === 'UPDATE').length,
        none: memory.filter((decision) => decision.event === 'NONE').length,
      })
      return { memory }
    },
    summarize_conversation: (request) => {
      const since = userText(request).split('Messages since:\n')[1] ?? ''
      return { summary: since.slice(-SUMMARY_CHARS) }
    },
    required: (request) => {
      const [existingText, newText] = sections(userText(request), 'Existing relations:', 'New relations:')
      const existing = numbered(existingText).map((line) => parseRelation(line.text))
      const calls = bullets(newText).flatMap((line) => {
        const relation = parseRelation(line)
        if (existing.some((known) => sameTriple(known, relation))) return []
        const replaced = SINGLE_VALUED.has(relation.relationship)
          ? existing.find((known) => known.relationship === relation.relationship && entityKey(known.source) === entityKey(relation.source))
          : undefined
        if (replaced === undefined) return [toolCall('add_relation', relation).toolCalls[0]!]
        return [toolCall('update_relation', { ...replaced, new_destination: relation.destination }).toolCalls[0]!]
      })
      decisions.updateGraph.push({
        add: calls.filter((call) => call.name === 'add_relation').length,
        update: calls.filter((call) => call.name === 'update_relation').length,
        noop: calls.length === 0,
      })
      return { toolCalls: calls.length > 0 ? calls : toolCall('noop', {}).toolCalls, text: '' }
    },
  })
  return { llm, decisions }
}

function userText(request: ChatRequest): string {
  const content = request.messages.find((message) => message.role === 'user')?.content ?? ''
  return typeof content === 'string' ? content : content.map((part) => (part.type === 'text' ? part.text : '')).join('')
}

/** The text under two headings of a prompt (src/prompts/update-*.ts). */
function sections(text: string, first: string, second: string): [string, string] {
  const start = text.indexOf(first)
  const middle = text.indexOf(second)
  if (start < 0 || middle < 0) throw new Error(`instant LLM: prompt without "${first}" / "${second}"`)
  return [text.slice(start + first.length, middle).trim(), text.slice(middle + second.length).trim()]
}

/** Lines "0: text" (render.ts renderNumbered). */
function numbered(text: string): Array<{ id: string; text: string }> {
  return text === '(none)'
    ? []
    : text.split('\n').map((line) => {
        const colon = line.indexOf(': ')
        return { id: line.slice(0, colon), text: line.slice(colon + 2) }
      })
}

const bullets = (text: string): string[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('- '))
    .map((line) => line.slice(2))

interface RelationLine {
  source: string
  relationship: string
  destination: string
}

/** `alice -- WORKS_AT --> acme` (update-graph.ts relationLine). */
function parseRelation(line: string): RelationLine {
  const match = /^(.*) -- (\S+) --> (.*)$/.exec(line)
  if (match === null) throw new Error(`instant LLM: not a relation line: ${line}`)
  return { source: match[1]!, relationship: match[2]!, destination: match[3]! }
}

function sameTriple(a: RelationLine, b: RelationLine): boolean {
  return a.relationship === b.relationship && entityKey(a.source) === entityKey(b.source) && entityKey(a.destination) === entityKey(b.destination)
}
