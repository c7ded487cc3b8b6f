import type { HistoryEntry, MemoryItem, Relation, Scope, ScoredMemory, ScoredRelation, StageError } from '../index.js'

/** Human-readable output of the CLI; `--json` bypasses all of this. */

/** `user=alice agent=support`: a scope as the CLI names it. */
export function describeScope(scope: Scope): string {
  return [scope.userId && `user=${scope.userId}`, scope.agentId && `agent=${scope.agentId}`, scope.runId && `run=${scope.runId}`].filter(Boolean).join(' ')
}

export function formatMemory(memory: MemoryItem): string {
  return `${memory.id}  ${memory.memory}\n    ${describeScope(memory)}  updated ${memory.updatedAt}`
}

export function formatScored(memory: ScoredMemory): string {
  return `${memory.score.toFixed(3)}  ${memory.memory}  (${memory.id})`
}

/** `alice -[WORKS_AT]-> Acme`, with its end when it no longer holds. */
export function formatRelation(relation: Relation): string {
  const line = `${relation.source} -[${relation.relationship}]-> ${relation.destination}`
  return relation.validTo ? `${line}  (until ${relation.validTo})` : line
}

export function formatScoredRelation(relation: ScoredRelation): string {
  return `${relation.score.toFixed(3)}  ${formatRelation(relation)}`
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

/** The stages of an add that failed or whose output was dropped, one line each on stderr. */
export function printStageErrors(errors: readonly StageError[] | undefined): void {
  for (const error of errors ?? []) console.error(`engram: ${error.stage}: ${error.message}`)
}
