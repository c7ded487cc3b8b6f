import { z } from 'zod'
import type { TextMessage } from '../input.js'
import type { ToolSpec } from '../llm/call-tool.js'
import type { ChatMessage } from '../ports.js'
import { extractFactsArgs, FACT_RULES, FACTS_BRIEF } from './extract-facts.js'
import { extractGraphArgs, GRAPH_BRIEF, GRAPH_RULES } from './extract-graph.js'
import { type EarlierConversation, extractionMessages } from './render.js'

/**
 * Arguments of `extract_memories` (docs/contract.md): the facts and the graph of one conversation in one
 * answer, with the same shapes as `extract_facts` and `extract_graph`.
 */
export const extractMemoriesArgs = z.object({
  facts: extractFactsArgs.shape.facts,
  entities: extractGraphArgs.shape.entities,
  relations: extractGraphArgs.shape.relations,
})

export const extractMemoriesTool: ToolSpec<typeof extractMemoriesArgs> = {
  name: 'extract_memories',
  description: 'Record the durable facts of the conversation, and the entities and relationships between them.',
  schema: extractMemoriesArgs,
}

/** Default instructions; `config.prompts.extractMemories` replaces them. `{self}` is the user's entity. */
export const EXTRACT_MEMORIES_INSTRUCTIONS = `You maintain a long-term memory about the people an assistant talks with.
Read the conversation and record two views of what it says, in one answer.

1. facts: ${FACTS_BRIEF}
${FACT_RULES}

2. entities and relations. ${GRAPH_BRIEF}
${GRAPH_RULES}
- Every relation should also be stated by one of the facts; small talk gives no facts and no relations.
Answer only by calling extract_memories.`

export interface ExtractMemoriesContext {
  messages: readonly TextMessage[]
  today: Date
  /** The name first-person references resolve to. */
  self: string
  instructions?: string
  /** What came before these messages, to resolve references; nothing is extracted from it. */
  earlier?: EarlierConversation
}

export function buildExtractMemoriesMessages(context: ExtractMemoriesContext): ChatMessage[] {
  const instructions = (context.instructions ?? EXTRACT_MEMORIES_INSTRUCTIONS).replaceAll('{self}', JSON.stringify(context.self))
  return extractionMessages(instructions, context.today, context.messages, context.earlier)
}
