import { toJsonLine } from '../../index.js'
import { scopeFrom } from '../args.js'
import type { MemoryCommand } from './memory-commands.js'

/** `engram export --user ID`: the scope's memories, graph and history as JSONL on stdout, which `engram import` restores. */
export const exportScope: MemoryCommand = async (memory, { values }) => {
  const records = await memory.transfer.export(scopeFrom(values))
  return { json: records, print: () => process.stdout.write(records.map((record) => `${toJsonLine(record)}\n`).join('')) }
}
