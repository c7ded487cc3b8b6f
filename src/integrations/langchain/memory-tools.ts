import { DynamicStructuredTool, type StructuredToolInterface } from '@langchain/core/tools'
import { z } from 'zod'
import { memoryIdSchema, metadataSchema, querySchema, type Scope } from '../../input.js'
import type { AddResult, SearchResult } from '../../types.js'
import { relationLine } from '../relation-line.js'
import { type MemoryLike, ScopedMemory } from '../scoped-memory.js'

/** Options of {@link createMemoryTools}: the scope every tool is confined to, and how `remember` stores. */
export interface MemoryToolsOptions extends Scope {
  /**
   * `true` (default): `remember` lets the LLM extract facts and update the graph; `false` stores the
   * text verbatim with no LLM call and no graph.
   */
  infer?: boolean
  /** Most memories and relations `recall` returns. Default 5. */
  recallLimit?: number
  /** Most tokens (cl100k_base) of the block `recall_context` returns. Default 1000. */
  contextMaxTokens?: number
}

const DEFAULT_RECALL_LIMIT = 5

/** Argument schemas of the memory tools; what the model sees is generated from these. */
export const memoryToolSchemas = {
  remember: z.object({
    text: z.string().trim().min(1).describe('What to remember, in a sentence or a few, e.g. "Alice is vegetarian".'),
    metadata: metadataSchema.optional().describe('Optional labels stored with the memory, e.g. {"topic": "food"}.'),
  }),
  recall: z.object({
    query: querySchema.describe('What to look for, as a question or keywords.'),
  }),
  recall_context: z.object({
    query: querySchema.describe('The question or topic to recall what is known about.'),
  }),
  forget: z.object({
    id: memoryIdSchema.describe('The id of the memory to delete, as recall shows it.'),
  }),
  inspect_graph: z.object({
    entity: z.string().trim().min(1).optional().describe('Only relations of this entity (a name, any case). Omit for the whole graph.'),
  }),
}

type ToolName = keyof typeof memoryToolSchemas

const DESCRIPTIONS: Record<ToolName, string> = {
  remember: 'Store something worth remembering about the user or the conversation in long-term memory.',
  recall: 'Search long-term memory: returns matching memories (with ids) and known relations between things.',
  recall_context:
    'Recall what long-term memory knows about a question as one block to read: facts with the day each was stated, relations valid now with the day each began, and what newer information superseded.',
  forget: 'Delete one memory by its id (from recall), e.g. when the user says it is wrong or asks to forget it.',
  inspect_graph: 'List the relations currently known in the knowledge graph, optionally only those of one entity.',
}

/**
 * LangChain tools that let an agent manage its own long-term memory, all confined to one scope:
 * `remember` (add), `recall` (search: facts with their ids and the day each was stated, and
 * relations), `recall_context` (the block of `memory.context`, within `contextMaxTokens`), `forget`
 * (delete by id) and `inspect_graph` (the scope's current relations). Each answers the model in plain text;
 * an `EngramError` (e.g. `NOT_FOUND` for an id of another scope) becomes an answer starting with
 * `Error CODE:` so the agent can react, while any other failure is thrown.
 *
 * @example
 * ```ts
 * const tools = createMemoryTools(memory, { userId: 'alice' })
 * const model = chatModel.bindTools(tools)
 * ```
 * @throws EngramError INVALID_INPUT when the options name no scope
 */
export function createMemoryTools(memory: MemoryLike, options: MemoryToolsOptions): StructuredToolInterface[] {
  const { infer = true, recallLimit = DEFAULT_RECALL_LIMIT, contextMaxTokens, ...scope } = options
  const scoped = new ScopedMemory(memory, scope)
  return [
    memoryTool('remember', async ({ text, metadata }) => describeAdd(await scoped.add(text, { infer, ...(metadata && { metadata }) }))),
    memoryTool('recall', async ({ query }) => describeSearch(await scoped.search(query, { limit: recallLimit }))),
    memoryTool('recall_context', async ({ query }) => {
      const { text } = await scoped.context(query, contextMaxTokens === undefined ? {} : { maxTokens: contextMaxTokens })
      return text === '' ? 'Nothing in memory matches.' : text
    }),
    memoryTool('forget', async ({ id }) => {
      await scoped.delete(id)
      return `Forgot memory ${id}.`
    }),
    memoryTool('inspect_graph', async ({ entity }) => {
      const { relations } = await scoped.getAll()
      const key = entity?.toLowerCase()
      const shown = key === undefined ? relations : relations.filter((r) => r.source.toLowerCase() === key || r.destination.toLowerCase() === key)
      return shown.length === 0 ? `No relations${entity === undefined ? '' : ` of ${entity}`} are known.` : shown.map(relationLine).join('\n')
    }),
  ]
}

/**
 * One tool answering the model in text. An Engram error becomes an answer the model can read
 * (`Error CODE: message`); anything else is a bug and is thrown.
 */
function memoryTool<N extends ToolName>(name: N, run: (args: z.output<(typeof memoryToolSchemas)[N]>) => Promise<string>): StructuredToolInterface {
  const func = async (args: z.output<(typeof memoryToolSchemas)[N]>): Promise<string> => {
    try {
      return await run(args)
    } catch (error) {
      // By name and code, not instanceof: the CommonJS and ESM builds each have their own class.
      if (error instanceof Error && error.name === 'EngramError' && 'code' in error) return `Error ${String(error.code)}: ${error.message}`
      throw error
    }
  }
  return new DynamicStructuredTool({ name, description: DESCRIPTIONS[name], schema: memoryToolSchemas[name], func })
}

function describeAdd(result: AddResult): string {
  const lines = result.results.map((event) => `${event.event} ${event.id}: ${event.memory}`)
  for (const error of result.errors ?? []) lines.push(`Warning (${error.stage}): ${error.message}`)
  return lines.length === 0 ? 'Nothing new to remember: it is already known.' : lines.join('\n')
}

function describeSearch(found: SearchResult): string {
  if (found.results.length === 0 && found.relations.length === 0) return 'Nothing in memory matches.'
  const memories = found.results.map((item) => `- ${item.id} (${item.observedAt.slice(0, 10)}): ${item.memory}`)
  const relations = found.relations.map((relation) => `- ${relationLine(relation)}`)
  return [...(memories.length > 0 ? ['Memories:', ...memories] : []), ...(relations.length > 0 ? ['Relations:', ...relations] : [])].join('\n')
}
