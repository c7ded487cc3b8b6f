import { z } from 'zod'
import type { ToolSpec } from '../llm/call-tool.js'
import type { ChatMessage } from '../ports.js'
import { MAX_MEMORY_TEXT_LENGTH, nameText, shortText } from './model-output-limits.js'
import { renderDate, renderNumbered } from './render.js'

/** The four graph-update tools (docs/contract.md); the model calls one or more of them. */
export const addRelationArgs = z.object({
  source: nameText(),
  relationship: nameText(),
  destination: nameText(),
  source_type: nameText().optional(),
  destination_type: nameText().optional(),
  valid_from: shortText().optional(),
})
export const updateRelationArgs = z.object({
  source: nameText(),
  relationship: nameText(),
  destination: nameText(),
  new_relationship: nameText().optional(),
  new_destination: nameText().optional(),
})
export const deleteRelationArgs = z.object({
  source: nameText(),
  relationship: nameText(),
  destination: nameText(),
  reason: z.string().max(MAX_MEMORY_TEXT_LENGTH).optional(),
})
export const noopArgs = z.object({})

export const updateGraphTools = {
  add_relation: {
    name: 'add_relation',
    description: 'Add a new relation that is not yet in the graph.',
    schema: addRelationArgs,
  },
  update_relation: {
    name: 'update_relation',
    description: 'Replace an existing relation by a changed one (new relationship and/or new destination); the old one stops being valid.',
    schema: updateRelationArgs,
  },
  delete_relation: {
    name: 'delete_relation',
    description: 'Mark an existing relation as no longer true (it is kept as history, with an end date).',
    schema: deleteRelationArgs,
  },
  noop: { name: 'noop', description: 'Nothing changes.', schema: noopArgs },
} as const satisfies Record<string, ToolSpec>

export type GraphDecision =
  | { name: 'add_relation'; args: z.output<typeof addRelationArgs> }
  | { name: 'update_relation'; args: z.output<typeof updateRelationArgs> }
  | { name: 'delete_relation'; args: z.output<typeof deleteRelationArgs> }
  | { name: 'noop'; args: z.output<typeof noopArgs> }

/** Default instructions; `config.prompts.updateGraph` replaces them. */
export const UPDATE_GRAPH_INSTRUCTIONS = `You keep a knowledge graph true over time. You see the relations already in the graph
that involve the entities just mentioned (each with a small id), and the relations extracted from the
newest conversation. Decide how the graph changes, by calling tools:
- add_relation for each new relation that is not already there (in the same or other words).
- update_relation when a new relation replaces an existing one about the same thing
  (a new employer, a new city, a changed relationship): name the existing relation and the new
  relationship and/or destination.
- delete_relation when the conversation shows an existing relation has stopped being true.
- noop when nothing changes.
Relations that merely repeat an existing one need no call. Refer to relations by their
source, relationship and destination exactly as shown.`

export interface UpdateGraphContext {
  existing: readonly string[]
  extracted: readonly string[]
  today: Date
  instructions?: string
}

export function buildUpdateGraphMessages(context: UpdateGraphContext): ChatMessage[] {
  return [
    { role: 'system', content: `${context.instructions ?? UPDATE_GRAPH_INSTRUCTIONS}\n\nToday's date: ${renderDate(context.today)}.` },
    {
      role: 'user',
      content: `Existing relations:\n${renderNumbered(context.existing)}\n\nNew relations:\n${context.extracted.map((line) => `- ${line}`).join('\n')}`,
    },
  ]
}

/** How a relation reads in the prompts: `alice -- WORKS_AT --> acme`. */
export function relationLine(source: string, relationship: string, destination: string): string {
  return `${source} -- ${relationship} --> ${destination}`
}
