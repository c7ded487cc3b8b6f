/** The benchmark conversations (bench/fixtures/*.jsonl) and the ground truth stored with each. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface FixtureMessage {
  role: 'user' | 'assistant'
  content: string
  name?: string
}

/** A fact as the scripted LLM extracts it; `slot` names what it is about when only one can hold ("city"). */
export interface FixtureFact {
  text: string
  slot?: string
}

export interface FixtureRelation {
  source: string
  relationship: string
  destination: string
}

/** One conversation with what a careful model would extract from it. */
export interface FixtureConversation {
  id: string
  userId: string
  /** Position among the user's conversations, 0 first: adds run in this order. */
  sequence: number
  /** ISO-8601: when it happened (the add's observedAt). */
  observedAt: string
  messages: FixtureMessage[]
  facts: FixtureFact[]
  entities: Array<{ name: string; type: string }>
  relations: FixtureRelation[]
}

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))

/** Reads a JSONL fixture by file name, e.g. `conversations.jsonl`. */
export function loadConversations(file: string): FixtureConversation[] {
  return readFileSync(`${FIXTURES}${file}`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FixtureConversation)
}
