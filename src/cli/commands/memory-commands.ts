import { createInterface } from 'node:readline/promises'
import { EngramError, type Memory } from '../../index.js'
import { ScopedMemory } from '../../integrations/scoped-memory.js'
import { limitFrom, metadataFrom, optionalScopeFrom, type ParsedArgs, required, requiredScopeFrom, timeFrom, UsageError } from '../args.js'
import { describeScope, formatHistory, formatMemory, formatRelation, formatScored, formatScoredRelation, printLines, printStageErrors } from '../print.js'

/**
 * A CLI command over an open Memory: returns the JSON value and prints its human form itself;
 * `exitCode` (default 0) for a command that finished but reports failures (a partial add, import).
 */
export type MemoryCommand = (memory: Memory, args: ParsedArgs) => Promise<{ json: unknown; print: () => void; exitCode?: number }>

export const add: MemoryCommand = async (memory, { values, rest }) => {
  const text = required(rest, 'TEXT to remember')
  const scope = requiredScopeFrom(values, 'add')
  const metadata = metadataFrom(values)
  const expiresAt = timeFrom(values, 'expires-at')
  const result = await memory.add(text, {
    ...scope,
    infer: !values['no-infer'],
    ...(metadata !== undefined ? { metadata } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  })
  const { added, updated, invalidated } = result.relations
  return {
    json: result,
    print: () => {
      printLines(
        result.results.map((event) => `${event.event.padEnd(6)} ${event.memory}  (${event.id})`),
        'nothing new to remember',
      )
      const relations = [
        ...added.map((relation) => `+ ${formatRelation(relation)}`),
        ...updated.map((relation) => `~ ${formatRelation(relation)}`),
        ...invalidated.map((relation) => `- ${formatRelation(relation)}`),
      ]
      if (relations.length > 0) console.log(`relations:\n${relations.map((line) => `  ${line}`).join('\n')}`)
      printStageErrors(result.errors)
    },
    // What was stored stays stored; a stage that failed (or output that was dropped) is still an error.
    exitCode: (result.errors ?? []).length > 0 ? 1 : 0,
  }
}

export const search: MemoryCommand = async (memory, { values, rest }) => {
  const query = required(rest, 'QUERY')
  const scope = requiredScopeFrom(values, 'search')
  const limit = limitFrom(values)
  const asOf = timeFrom(values, 'as-of')
  const result = await memory.search(query, { ...scope, ...(limit !== undefined ? { limit } : {}), ...(asOf !== undefined ? { asOf } : {}) })
  return {
    json: result,
    print: () => {
      printLines(result.results.map(formatScored), 'no memories match')
      if (result.relations.length > 0) console.log(`relations:\n${result.relations.map((relation) => `  ${formatScoredRelation(relation)}`).join('\n')}`)
    },
  }
}

export const list: MemoryCommand = async (memory, { values }) => {
  const limit = limitFrom(values)
  const result = await memory.getAll({ ...requiredScopeFrom(values, 'list'), ...(limit !== undefined ? { limit } : {}) })
  return { json: result, print: () => printLines(result.results.map(formatMemory), 'no memories in this scope') }
}

export const get: MemoryCommand = async (memory, { values, rest }) => {
  const item = await reader(memory, values).get(required(rest, 'memory ID'))
  return { json: item, print: () => console.log(formatMemory(item)) }
}

export const history: MemoryCommand = async (memory, { values, rest }) => {
  const entries = await reader(memory, values).history(required(rest, 'memory ID'))
  return { json: entries, print: () => printLines(entries.map(formatHistory), 'no history for this id (history is disabled)') }
}

export const remove: MemoryCommand = async (memory, { values, rest }) => {
  const id = required(rest, 'memory ID')
  await reader(memory, values).delete(id)
  return { json: { deleted: id }, print: () => console.log(`deleted ${id}`) }
}

export const update: MemoryCommand = async (memory, { values, rest }) => {
  const [id, ...words] = rest
  if (id === undefined) throw new UsageError('missing memory ID')
  const text = required(words, 'new TEXT')
  // Confined like get: an id outside the given scope is NOT_FOUND, and nothing is changed.
  await reader(memory, values).get(id)
  const item = await memory.update(id, text)
  return { json: item, print: () => console.log(`updated ${formatMemory(item)}`) }
}

export const deleteAll: MemoryCommand = async (memory, { values }) => {
  const scope = requiredScopeFrom(values, 'delete-all')
  const named = describeScope(scope)
  if (!values.yes) await confirm(`Erase everything ${named} can see (memories, graph, history, conversation context, read audit)? This cannot be undone.`)
  await memory.deleteAll(scope)
  return { json: { deleted: scope }, print: () => console.log(`erased everything ${named} could see`) }
}

export const prune: MemoryCommand = async (memory, { values }) => {
  const report = await memory.prune(optionalScopeFrom(values))
  return {
    json: report,
    print: () => console.log(`deleted ${report.deleted} expired memories; removed ${report.relationsRemoved} relations they alone supported`),
  }
}

export const graph: MemoryCommand = async (memory, { values }) => {
  const format = values.format ?? 'json'
  if (format !== 'json' && format !== 'cypher' && format !== 'graphml' && format !== 'html')
    throw new UsageError(`--format must be json, cypher, graphml or html, not "${format}"`)
  const text = await memory.graph.export(requiredScopeFrom(values, 'graph'), format)
  // The export is already the requested format: --json changes nothing for json and wraps the others.
  return { json: format === 'json' ? JSON.parse(text) : { format, text }, print: () => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`) }
}

/**
 * Reads and deletes by id: with scope flags, only ids that scope can see (another id is NOT_FOUND,
 * as in the MCP server); without, any id of the data dir. A missing id is NOT_FOUND either way.
 */
function reader(memory: Memory, values: ParsedArgs['values']): Pick<ScopedMemory, 'get' | 'history' | 'delete'> {
  const scope = optionalScopeFrom(values)
  if (scope !== undefined) return new ScopedMemory(memory, scope)
  return {
    get: async (id) => {
      const item = await memory.get(id)
      if (item === null) throw new EngramError('NOT_FOUND', `no memory with id "${id}"`)
      return item
    },
    history: async (id) => {
      const entries = await memory.history(id)
      if (entries.length === 0 && (await memory.get(id)) === null) throw new EngramError('NOT_FOUND', `no memory with id "${id}" and no history of one`)
      return entries
    },
    delete: (id) => memory.delete(id),
  }
}

/** Asks on the terminal; without one (a script, a pipe) refuses: `--yes` is the way to say yes there. */
async function confirm(question: string): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UsageError(`${question} No terminal to ask on: pass --yes to confirm`)
  const prompt = createInterface({ input: process.stdin, output: process.stdout })
  try {
    const answer = await prompt.question(`${question} Type "yes" to confirm: `)
    if (answer.trim().toLowerCase() !== 'yes') throw new UsageError('not confirmed; nothing was erased')
  } finally {
    prompt.close()
  }
}
