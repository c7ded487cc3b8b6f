import type { Memory } from '../../index.js'
import { limitFrom, metadataFrom, type ParsedArgs, required, scopeFrom, UsageError } from '../args.js'
import { formatHistory, formatMemory, formatScored, printLines } from '../print.js'

/**
 * A CLI command over an open Memory: returns the JSON value and prints its human form itself;
 * `exitCode` (default 0) for a command that finished but reports failures (import).
 */
export type MemoryCommand = (memory: Memory, args: ParsedArgs) => Promise<{ json: unknown; print: () => void; exitCode?: number }>

export const add: MemoryCommand = async (memory, { values, rest }) => {
  const metadata = metadataFrom(values)
  const result = await memory.add(required(rest, 'TEXT to remember'), {
    ...scopeFrom(values),
    infer: !values['no-infer'],
    ...(metadata !== undefined ? { metadata } : {}),
    ...(values['expires-at'] !== undefined ? { expiresAt: values['expires-at'] } : {}),
  })
  return {
    json: result,
    print: () => {
      printLines(
        result.results.map((event) => `${event.event.padEnd(6)} ${event.memory}  (${event.id})`),
        'nothing new to remember',
      )
      for (const error of result.errors ?? []) console.log(`warning [${error.stage}]: ${error.message}`)
    },
  }
}

export const search: MemoryCommand = async (memory, { values, rest }) => {
  const limit = limitFrom(values)
  const result = await memory.search(required(rest, 'QUERY'), { ...scopeFrom(values), ...(limit !== undefined ? { limit } : {}) })
  return { json: result, print: () => printLines(result.results.map(formatScored), 'no memories match') }
}

export const list: MemoryCommand = async (memory, { values }) => {
  const limit = limitFrom(values)
  const result = await memory.getAll({ ...scopeFrom(values), ...(limit !== undefined ? { limit } : {}) })
  return { json: result, print: () => printLines(result.results.map(formatMemory), 'no memories in this scope') }
}

export const get: MemoryCommand = async (memory, { rest }) => {
  const id = required(rest, 'memory ID')
  const item = await memory.get(id)
  return { json: item, print: () => console.log(item === null ? `no memory with id "${id}"` : formatMemory(item)) }
}

export const history: MemoryCommand = async (memory, { rest }) => {
  const entries = await memory.history(required(rest, 'memory ID'))
  return { json: entries, print: () => printLines(entries.map(formatHistory), 'no history for this id') }
}

export const remove: MemoryCommand = async (memory, { rest }) => {
  const id = required(rest, 'memory ID')
  await memory.delete(id)
  return { json: { deleted: id }, print: () => console.log(`deleted ${id}`) }
}

export const prune: MemoryCommand = async (memory, { values }) => {
  const scope = scopeFrom(values)
  const report = await memory.prune(Object.keys(scope).length > 0 ? scope : undefined)
  return {
    json: report,
    print: () => console.log(`deleted ${report.deleted} expired memories; removed ${report.relationsRemoved} relations they alone supported`),
  }
}

export const graph: MemoryCommand = async (memory, { values }) => {
  const format = values.format ?? 'json'
  if (format !== 'json' && format !== 'cypher' && format !== 'graphml' && format !== 'html') throw new UsageError(`--format must be json, cypher, graphml or html, not "${format}"`)
  const text = await memory.graph.export(scopeFrom(values), format)
  // The export is already the requested format: --json changes nothing for json and wraps the others.
  return { json: format === 'json' ? JSON.parse(text) : { format, text }, print: () => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`) }
}
