import { toJsonLine } from '../../index.js'
import { requiredScopeFrom } from '../args.js'
import type { MemoryCommand } from './memory-commands.js'

/** `engram export --user ID`: the scope's memories, graph and history as JSONL on stdout, which `engram import` restores. */
export const exportScope: MemoryCommand = async (memory, { values }) => {
  const records = await memory.transfer.export(requiredScopeFrom(values, 'export'))
  return { json: records, print: () => process.stdout.write(records.map((record) => `${toJsonLine(record)}\n`).join('')) }
}
