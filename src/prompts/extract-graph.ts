import { z } from 'zod'
import type { TextMessage } from '../input.js'
import type { ToolSpec } from '../llm/call-tool.js'
import type { ChatMessage } from '../ports.js'
import { nameText, shortText } from './model-output-limits.js'
import { type EarlierConversation, extractionMessages } from './render.js'

/** Arguments of `extract_graph` (docs/contract.md). */
export const extractGraphArgs = z.object({
  entities: z.array(z.object({ name: nameText(), type: nameText() })),
  relations: z.array(
    z.object({
      source: nameText(),
      relationship: nameText(),
      destination: nameText(),
      valid_from: shortText().optional().describe('ISO-8601 date when the relation started, if the conversation says.'),
    }),
  ),
})

export type ExtractedGraph = z.output<typeof extractGraphArgs>

export const extractGraphTool: ToolSpec<typeof extractGraphArgs> = {
  name: 'extract_graph',
  description: 'Record the entities and the relationships between them found in the conversation.',
  schema: extractGraphArgs,
}

/** What the graph holds; shared with the combined extraction prompt. */
export const GRAPH_BRIEF = `List the entities (people, organisations, places, things, events, concepts) with a short lower-case type
("person", "organization", "city", "food"…), and the relationships between them as
(source, relationship, destination) triples.`

/** How entities and triples are written; `{self}` is the user's entity. Shared with the combined prompt. */
export const GRAPH_RULES = `- The user speaking is the entity named {self}; use that name wherever the user says "I", "me" or "my".
- Relationships are short verbs in UPPER_SNAKE_CASE: WORKS_AT, LIVES_IN, MANAGES, SISTER_OF, LIKES.
- Keep facts that are stated, not guesses. One triple per fact; no triple whose ends are the same entity.
- Give valid_from only when the conversation dates the fact; resolve relative dates against today's date.
- Use the names as written; keep the language of the conversation for names.`

/** Default instructions; `config.prompts.extractGraph` replaces them. */
export const EXTRACT_GRAPH_INSTRUCTIONS = `You build a knowledge graph of what a conversation says about people and their world.
${GRAPH_BRIEF}

Rules:
${GRAPH_RULES}
Answer only by calling extract_graph.`

export interface ExtractGraphContext {
  messages: readonly TextMessage[]
  today: Date
  /** The name first-person references resolve to. */
  self: string
  instructions?: string
  /** What came before these messages, to resolve references; nothing is extracted from it. */
  earlier?: EarlierConversation
}

export function buildExtractGraphMessages(context: ExtractGraphContext): ChatMessage[] {
  const instructions = (context.instructions ?? EXTRACT_GRAPH_INSTRUCTIONS).replaceAll('{self}', JSON.stringify(context.self))
  return extractionMessages(instructions, context.today, context.messages, context.earlier)
}
