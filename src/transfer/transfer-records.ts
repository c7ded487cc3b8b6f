import { z } from 'zod'
import { EngramError } from '../errors.js'
import { isoTimeSchema, memoryTypeSchema, messagesSchema, metadataSchema, parseInput, requiredScopeSchema, scopeSchema } from '../input.js'

/*
 * The JSONL transfer format of `engram export` / `engram import` (README "Import and export"):
 * one JSON object per line. Export lines carry a `kind` and hold a stored record exactly as it is
 * (ids, timestamps, hashes, validity, provenance; no vectors: restore embeds again). A line
 * without `kind` (or `kind: "conversation"`) is a conversation to add.
 */

const id = z.string().min(1).max(256)
/** Stored timestamps travel as the stores wrote them (ISO-8601 text) and come back unchanged. */
const time = z.string().min(1)

/** A memory of the vector store. */
const memoryRecordSchema = z
  .object({
    kind: z.literal('memory'),
    id,
    text: z.string(),
    hash: z.string(),
    metadata: metadataSchema,
    scope: scopeSchema,
    createdAt: time,
    updatedAt: time,
    observedAt: time,
    // Absent in exports written before memory lifecycle: a fact, stated once, never expiring.
    expiresAt: time.nullable().default(null),
    memoryType: memoryTypeSchema.default('semantic'),
    mentions: z.number().int().min(1).default(1),
  })
  .strict()

/** An `__Entity__` of the graph (docs/contract.md), without its embedding. */
const entityRecordSchema = z
  .object({
    kind: z.literal('entity'),
    id,
    key: z.string(),
    name: z.string(),
    type: z.string(),
    scope: scopeSchema,
    mentions: z.number().int().min(0),
    createdAt: time,
    updatedAt: time,
  })
  .strict()

/** A relation of the graph, its endpoints by entity id; `validTo` null while it holds. */
const relationRecordSchema = z
  .object({
    kind: z.literal('relation'),
    id,
    source: id,
    relationship: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
    destination: id,
    validFrom: time,
    validTo: time.nullable(),
    mentions: z.number().int().min(0),
    memoryIds: z.array(z.string()),
    scope: scopeSchema,
    createdAt: time,
    updatedAt: time,
  })
  .strict()

/** A row of the audit history. */
const historyRecordSchema = z
  .object({
    kind: z.literal('history'),
    id,
    target: z.enum(['memory', 'relation', 'entity']),
    targetId: z.string(),
    event: z.string(),
    oldValue: z.string().nullable(),
    newValue: z.string().nullable(),
    scope: scopeSchema,
    actor: z.string().optional(),
    role: z.string().optional(),
    memoryIds: z.array(z.string()).optional(),
    createdAt: time,
  })
  .strict()

/** A stored record as `export` writes it and `restore` reads it. */
export const transferRecordSchema = z.discriminatedUnion('kind', [memoryRecordSchema, entityRecordSchema, relationRecordSchema, historyRecordSchema])

/** A conversation to remember with `memory.add`: what `engram import` reads besides exported records. */
const conversationLineSchema = z
  .object({
    kind: z.literal('conversation').optional(),
    scope: requiredScopeSchema,
    messages: messagesSchema,
    /** When the conversation happened (the add's `observedAt`; a plain date is midnight UTC); default the time of the import. */
    timestamp: isoTimeSchema.optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()

export type TransferRecord = z.infer<typeof transferRecordSchema>
export type ConversationLine = z.infer<typeof conversationLineSchema>
/** One line of a transfer file: a stored record or a conversation. */
export type TransferLine = TransferRecord | ConversationLine

/** The order `restore` writes kinds in: relations need their entities; history comes last, as it was appended. */
export const RESTORE_ORDER: ReadonlyArray<TransferRecord['kind']> = ['memory', 'entity', 'relation', 'history']

/**
 * Parses one line of a transfer file.
 *
 * @throws EngramError INVALID_INPUT for text that is not JSON or not one of the line kinds, naming the fields.
 */
export function parseTransferLine(text: string): TransferLine {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new EngramError('INVALID_INPUT', `invalid line: not JSON (${(error as Error).message})`, { cause: error })
  }
  const kind = (value as { kind?: unknown } | null)?.kind
  return kind === undefined || kind === 'conversation'
    ? parseInput(conversationLineSchema, value, 'conversation')
    : parseInput(transferRecordSchema, value, 'record')
}

/** One record as one line of JSONL (no newline). */
export function toJsonLine(record: TransferRecord): string {
  return JSON.stringify(record)
}
