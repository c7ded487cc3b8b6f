import { z } from 'zod'
import { filtersSchema, isoTimeSchema, memoryIdSchema, messagesSchema, metadataSchema, querySchema } from '../input.js'
import { GRAPH_EXPORT_FORMATS } from '../operations/inspect-graph.js'

/**
 * The MCP tools' descriptions and input schemas, built from the library's own field schemas. They
 * name no scope: the server's scope is fixed at start-up, and `strict` makes a client that sends
 * `userId` (or any unknown key) get a validation error rather than a silently ignored field.
 */

const isoTime = isoTimeSchema
const byId = z.object({ id: memoryIdSchema.describe('A memory id, as add_memory, search_memory or list_memories return it.') }).strict()

export const MCP_TOOLS = {
  add_memory: {
    description: 'Remember a text or a conversation: an LLM extracts facts and knowledge-graph relations (infer=false stores it verbatim).',
    inputSchema: z
      .object({
        messages: messagesSchema.describe('What to remember: one text (a user message) or a conversation [{role, content, name?}].'),
        infer: z.boolean().optional().describe('true (default): an LLM extracts facts and relations; false: store each message verbatim, no LLM.'),
        metadata: metadataSchema.optional().describe('Labels stored with each memory, e.g. {"source": "chat"}; search can filter on them.'),
        observedAt: isoTime
          .optional()
          .describe('When the conversation happened: an ISO-8601 date-time with offset, or a date (YYYY-MM-DD, midnight UTC); default now.'),
      })
      .strict(),
  },
  search_memory: {
    description: 'Find the memories and graph relations most relevant to a query (no LLM call).',
    inputSchema: z
      .object({
        query: querySchema.describe('What to look for, as a question or keywords.'),
        limit: z.number().int().min(1).max(100).optional().describe('Most memories and most relations returned (default 10).'),
        filters: filtersSchema.optional().describe('Metadata equality filters, e.g. {"source": "chat"}.'),
        threshold: z.number().min(0).max(1).optional().describe('Minimum score (0..1) of a memory.'),
        hops: z.number().int().min(0).max(4).optional().describe('How many relations to walk from the entities the query names (default 2).'),
        asOf: isoTime.optional().describe('Read the graph as it was at this time: an ISO-8601 date-time with offset, or a date (YYYY-MM-DD, midnight UTC).'),
      })
      .strict(),
  },
  recall_context: {
    description:
      'The memories relevant to a question as one block of text to read: facts with the day each was stated, relations valid now with the day each began, and what newer information superseded; most useful first, within a token budget (no LLM call).',
    inputSchema: z
      .object({
        query: querySchema.describe('The question or topic the block is for.'),
        maxTokens: z.number().int().min(1).max(100_000).optional().describe('Most tokens the block may take (cl100k_base; default 1000).'),
        filters: filtersSchema.optional().describe('Metadata equality filters, e.g. {"source": "chat"}.'),
      })
      .strict(),
  },
  list_memories: {
    description: 'List stored memories, newest first, with the currently valid relations.',
    inputSchema: z
      .object({
        limit: z.number().int().min(1).max(1000).optional().describe('Most memories returned (default 100).'),
        filters: filtersSchema.optional().describe('Metadata equality filters.'),
      })
      .strict(),
  },
  get_memory: { description: 'Get one memory by id.', inputSchema: byId },
  delete_memory: { description: 'Delete one memory by id, and the graph relations only it supported.', inputSchema: byId },
  memory_history: { description: "A memory's changes (ADD, UPDATE, DELETE), oldest first; deleted memories keep theirs.", inputSchema: byId },
  export_graph: {
    description: 'Export the knowledge graph (entities and relations, ended ones too) as json, cypher or graphml text.',
    inputSchema: z
      .object({ format: z.enum(GRAPH_EXPORT_FORMATS).optional().describe('json (default), cypher (a statement that rebuilds it in Neo4j) or graphml.') })
      .strict(),
  },
} satisfies Record<string, { description: string; inputSchema: z.ZodObject }>

export type McpToolName = keyof typeof MCP_TOOLS
