import { createHash, randomUUID } from 'node:crypto'
import type { Metadata, Scope } from './input.js'
import type { HistoryRecord, MemoryWrite, StoredMemory, Vector } from './ports.js'
import type { MemoryItem } from './types.js'

/** MD5 of a memory's text: a cheap change detector, not a security measure. */
export function hashText(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex')
}

/** A new memory ready for the vector store. */
export function newMemory(text: string, vector: Vector, scope: Scope, metadata: Metadata, now: Date, observedAt: Date): MemoryWrite {
  const timestamp = now.toISOString()
  return { id: randomUUID(), text, hash: hashText(text), metadata, scope, createdAt: timestamp, updatedAt: timestamp, observedAt: observedAt.toISOString(), vector }
}

/** An existing memory with new text (same id, new vector and hash). */
export function revisedMemory(memory: StoredMemory, text: string, vector: Vector, metadata: Metadata, now: Date, observedAt: Date): MemoryWrite {
  return { ...memory, text, hash: hashText(text), metadata, updatedAt: now.toISOString(), observedAt: observedAt.toISOString(), vector }
}

/** The public shape of a stored memory; scope fields appear only when set. */
export function toMemoryItem(memory: StoredMemory): MemoryItem {
  return {
    id: memory.id,
    memory: memory.text,
    hash: memory.hash,
    metadata: memory.metadata,
    ...definedScope(memory.scope),
    createdAt: memory.createdAt,
    updatedAt: memory.updatedAt,
    observedAt: memory.observedAt,
  }
}

export function definedScope(scope: Scope): Scope {
  const defined: Scope = {}
  if (scope.userId !== undefined) defined.userId = scope.userId
  if (scope.agentId !== undefined) defined.agentId = scope.agentId
  if (scope.runId !== undefined) defined.runId = scope.runId
  return defined
}

/** Who said it, for the audit trail. */
export interface Speaker {
  role?: string
  actor?: string
}

/** A history row for one memory change. */
export function memoryHistory(
  event: 'ADD' | 'UPDATE' | 'DELETE',
  memory: StoredMemory,
  oldValue: string | null,
  newValue: string | null,
  now: Date,
  speaker: Speaker = {},
): HistoryRecord {
  return {
    target: 'memory',
    targetId: memory.id,
    event,
    oldValue,
    newValue,
    scope: memory.scope,
    ...speaker,
    createdAt: now.toISOString(),
  }
}
