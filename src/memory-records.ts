import { createHash, randomUUID } from 'node:crypto'
import type { Metadata, Scope } from './input.js'
import type { HistoryRecord, MemoryType, MemoryWrite, StoredMemory, Vector } from './ports.js'
import type { MemoryItem } from './types.js'

/** MD5 of a memory's text: a cheap change detector, not a security measure. */
export function hashText(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex')
}

/** Where and how a new memory is stored: what an add's options say about every memory it writes. */
export interface NewMemoryTarget {
  scope: Scope
  metadata: Metadata
  observedAt: Date
  /** `null`: never expires. */
  expiresAt: Date | null
  memoryType: MemoryType
}

/** A new memory ready for the vector store, stated once so far. */
export function newMemory(text: string, vector: Vector, target: NewMemoryTarget, now: Date): MemoryWrite {
  const timestamp = now.toISOString()
  return {
    id: randomUUID(),
    text,
    hash: hashText(text),
    metadata: target.metadata,
    scope: target.scope,
    createdAt: timestamp,
    updatedAt: timestamp,
    observedAt: target.observedAt.toISOString(),
    expiresAt: target.expiresAt?.toISOString() ?? null,
    memoryType: target.memoryType,
    mentions: 1,
    vector,
  }
}

/**
 * An existing memory with new text (same id, new vector and hash). `restated`: the text comes from
 * a conversation that said it again (an add's UPDATE), which counts as one more mention; a direct
 * `update` does not.
 */
export function revisedMemory(
  memory: StoredMemory,
  text: string,
  vector: Vector,
  change: { metadata: Metadata; now: Date; observedAt: Date; restated: boolean },
): MemoryWrite {
  return {
    ...memory,
    text,
    hash: hashText(text),
    metadata: change.metadata,
    updatedAt: change.now.toISOString(),
    observedAt: change.observedAt.toISOString(),
    mentions: memory.mentions + (change.restated ? 1 : 0),
    vector,
  }
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
    memoryType: memory.memoryType,
    mentions: memory.mentions,
    ...(memory.expiresAt !== null ? { expiresAt: memory.expiresAt } : {}),
  }
}

export function definedScope(scope: Scope): Scope {
  const defined: Scope = {}
  if (scope.userId !== undefined) defined.userId = scope.userId
  if (scope.agentId !== undefined) defined.agentId = scope.agentId
  if (scope.runId !== undefined) defined.runId = scope.runId
  return defined
}

/**
 * The exact scope as one comparable value: `{userId:"a"}` and `{userId:"a", agentId:"x"}` get
 * different keys, so writes and resolution never cross between them (absent ids match only absent ids).
 */
export function scopeKey(scope: Scope): string {
  return JSON.stringify([scope.userId ?? null, scope.agentId ?? null, scope.runId ?? null])
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
