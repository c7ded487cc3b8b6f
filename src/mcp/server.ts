import { createRequire } from 'node:module'
import { McpServer, type ToolCallback } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { z } from 'zod'
import { EngramError } from '../errors.js'
import type { Scope } from '../input.js'
import { type MemoryLike, ScopedMemory } from '../integrations/scoped-memory.js'
import { MCP_TOOLS, type McpToolName } from './tool-schemas.js'

type ToolArgs<N extends McpToolName> = z.output<(typeof MCP_TOOLS)[N]['inputSchema']>

const { version } = createRequire(import.meta.url)('engram/package.json') as { version: string }

/**
 * An MCP server whose tools read and write one scope of `memory`, fixed here: no tool takes a
 * scope, and a memory id of another scope is `NOT_FOUND`. Results are JSON text; an `EngramError`
 * becomes a tool error (`isError`) whose text starts with its code, e.g. `NOT_FOUND: …`.
 *
 * @throws EngramError INVALID_INPUT when the scope names none of userId, agentId, runId
 */
export function createMcpServer(memory: MemoryLike, scope: Scope): McpServer {
  const scoped = new ScopedMemory(memory, scope)
  const server = new McpServer({ name: 'engram', version })
  const named = Object.entries(scoped.scope)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ')
  const tool = <N extends McpToolName>(name: N, run: (args: ToolArgs<N>) => Promise<unknown>) => {
    const { description, inputSchema } = MCP_TOOLS[name]
    // The SDK has parsed the arguments with this tool's schema before calling back; its callback type
    // cannot say so for a schema chosen by a type parameter.
    const callback: ToolCallback<z.ZodObject> = (args) => answer(() => run(args as ToolArgs<N>))
    server.registerTool(name, { description: `${description} Scope: ${named}.`, inputSchema }, callback)
  }

  tool('add_memory', ({ messages, ...options }) => scoped.add(messages, options))
  tool('search_memory', ({ query, ...options }) => scoped.search(query, options))
  tool('recall_context', async ({ query, ...options }) => (await scoped.context(query, options)).text || 'Nothing in memory matches.')
  tool('list_memories', (options) => scoped.getAll(options))
  tool('get_memory', ({ id }) => scoped.get(id))
  tool('delete_memory', async ({ id }) => {
    await scoped.delete(id)
    return { deleted: id }
  })
  tool('memory_history', ({ id }) => scoped.history(id))
  tool('export_graph', async ({ format }) => {
    const text = await scoped.exportGraph(format)
    // JSON is returned as JSON, not as a JSON string inside JSON; the other formats are text.
    return format === undefined || format === 'json' ? JSON.parse(text) : text
  })
  return server
}

/** Serves `memory` over stdin/stdout until the client closes stdin or the process is told to stop. */
export async function serveStdio(memory: MemoryLike, scope: Scope): Promise<void> {
  const server = createMcpServer(memory, scope)
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve
  })
  const stop = () => void server.close()
  // The SDK's transport does not notice stdin ending; a client that goes away must not leave us running.
  process.stdin.once('end', stop)
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    await server.connect(new StdioServerTransport())
    await closed
  } finally {
    process.stdin.off('end', stop)
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}

/** A tool result: the value as JSON text (strings as they are), or the Engram error as a tool error. */
async function answer(run: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    const value = await run()
    return { content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }] }
  } catch (error) {
    if (!(error instanceof EngramError)) throw error
    return { isError: true, content: [{ type: 'text', text: `${error.code}: ${error.message}` }] }
  }
}
