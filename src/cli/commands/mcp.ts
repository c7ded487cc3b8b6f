import { Memory } from '../../index.js'
import { serveStdio } from '../../mcp/server.js'
import { type ParsedArgs, scopeFrom, UsageError } from '../args.js'

/**
 * `engram mcp --user ID`: an MCP server on stdin/stdout whose tools see only the scope given here.
 * Runs until the client disconnects.
 */
export async function mcp({ values }: ParsedArgs): Promise<number> {
  const scope = scopeFrom(values)
  if (Object.keys(scope).length === 0) throw new UsageError('mcp needs --user, --agent or --run: the scope its tools are confined to')
  // stdout carries the protocol; a stray log line from anywhere would corrupt it, so logs go to stderr.
  console.log = console.error
  console.info = console.error
  const dataDir = values['data-dir']
  const memory = await Memory.create(dataDir !== undefined ? { dataDir } : {})
  try {
    await serveStdio(memory, scope)
  } finally {
    await memory.close()
  }
  return 0
}
