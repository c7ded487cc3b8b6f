import type { HistoryEntry, MemoryItem, ScoredMemory } from '../index.js'

/** Human-readable output of the CLI; `--json` bypasses all of this. */

export function formatMemory(memory: MemoryItem): string {
  const scope = [memory.userId && `user=${memory.userId}`, memory.agentId && `agent=${memory.agentId}`, memory.runId && `run=${memory.runId}`]
    .filter(Boolean)
    .join(' ')
  return `${memory.id}  ${memory.memory}\n    ${scope}  updated ${memory.updatedAt}`
}

export function formatScored(memory: ScoredMemory): string {
  return `${memory.score.toFixed(3)}  ${memory.memory}  (${memory.id})`
}

export function formatHistory(entry: HistoryEntry): string {
  const change =
    entry.event === 'ADD' ? `"${entry.newMemory}"` : entry.event === 'DELETE' ? `"${entry.oldMemory}"` : `"${entry.oldMemory}" → "${entry.newMemory}"`
  const who = entry.actor ?? entry.role
  return `${entry.createdAt}  ${entry.event.padEnd(6)} ${change}${who ? `  by ${who}` : ''}`
}

export function printLines(lines: string[], empty: string): void {
  console.log(lines.length === 0 ? empty : lines.join('\n'))
}
