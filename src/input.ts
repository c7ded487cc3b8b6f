import { z } from 'zod'
import { describeZodError, EngramError } from './errors.js'

/**
 * zod schemas for every public call's input. Public input types are inferred from them,
 * so the validation and the documentation cannot drift apart.
 *
 * Text rule (README "Input"): every string that reaches a store must be well-formed Unicode and
 * free of NUL. A lone surrogate has no UTF-8 form, so the SQLite, Bolt and gRPC encoders would each
 * replace it with U+FFFD and the text would not come back as written; NUL is cut off by C-string
 * tools around the stores (cypher-shell, the sqlite3 shell, many log viewers). Both are refused
 * with INVALID_INPUT before anything is written; every other character is stored exactly.
 */

/** Bounds on public input that `config.limits` can raise (README "Limits"). */
export interface InputLimits {
  /** Keys in one metadata (or filters) object. */
  readonly maxMetadataKeys: number
  /** Characters in one metadata key. */
  readonly maxMetadataKeyLength: number
  /** UTF-8 bytes of one metadata string value. */
  readonly maxMetadataValueBytes: number
  /** UTF-8 bytes of a whole metadata object, as JSON. */
  readonly maxMetadataBytes: number
  /** UTF-8 bytes of a search query. */
  readonly maxQueryBytes: number
}

/**
 * Metadata is for tags and filters, not documents: every key becomes an index entry in Weaviate and
 * a JSON predicate in SQLite, and all of it is copied into every memory of an add. A query longer
 * than 16 KB is a pasted document; the local embedder reads its first 256 tokens and keyword search its
 * first 64 words anyway.
 */
export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxMetadataKeys: 64,
  maxMetadataKeyLength: 128,
  maxMetadataValueBytes: 4096,
  maxMetadataBytes: 16_384,
  maxQueryBytes: 16_384,
}

/** Scope ids are indexed in every store (Neo4j caps an index entry at about 8 KB), so their bound is fixed. */
export const MAX_SCOPE_ID_LENGTH = 256

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

/** A string every store holds exactly: see the text rule above. */
const storable = <T extends z.ZodType<string>>(schema: T) =>
  schema
    .refine((value: string) => value.isWellFormed(), 'must be well-formed Unicode (no lone surrogate code units)')
    .refine((value: string) => !value.includes('\u0000'), 'must not contain NUL (U+0000) characters')

/** A limit's message: what was exceeded and the setting that raises it. */
const overLimit = (what: string, limit: number, unit: string, setting: keyof InputLimits) =>
  `${what} must be at most ${limit} ${unit}; raise config.limits.${setting} to allow more`

const scopeId = storable(
  z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_SCOPE_ID_LENGTH, `must be at most ${MAX_SCOPE_ID_LENGTH} characters (a fixed limit: scope ids are indexed in every store)`),
)

/** Who a memory belongs to. At least one id is required. */
export const scopeSchema = z
  .object({
    userId: scopeId.optional(),
    agentId: scopeId.optional(),
    runId: scopeId.optional(),
  })
  .strict()

const requireScope = <T extends { userId?: string; agentId?: string; runId?: string }>(value: T) =>
  value.userId !== undefined || value.agentId !== undefined || value.runId !== undefined

const scopeRequired = { message: 'one of userId, agentId or runId is required', path: ['userId'] }

/** A metadata value: scalars only, so every store can filter on it. JSON has no −0, so it is stored as 0. */
const metadataValue = (limits: InputLimits) =>
  z.union([
    storable(z.string()).refine(
      (value) => utf8Bytes(value) <= limits.maxMetadataValueBytes,
      overLimit('a metadata value', limits.maxMetadataValueBytes, 'UTF-8 bytes', 'maxMetadataValueBytes'),
    ),
    z
      .number()
      .finite()
      .transform((value) => (value === 0 ? 0 : value)),
    z.boolean(),
    z.null(),
  ])

/** What is wrong with a metadata key, if anything. */
function metadataKeyProblem(key: string, limits: InputLimits): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return 'metadata keys are letters, digits and _, not starting with a digit'
  if (key.length > limits.maxMetadataKeyLength) return overLimit('a metadata key', limits.maxMetadataKeyLength, 'characters', 'maxMetadataKeyLength')
  return undefined
}

/** zod's record parser skips a `__proto__` key without a word, so it is refused before: it would vanish. */
const withoutProtoKey = z
  .unknown()
  .refine((value) => typeof value !== 'object' || value === null || !Object.hasOwn(value, '__proto__'), 'metadata key "__proto__" is reserved')

const metadata = (limits: InputLimits) =>
  withoutProtoKey.pipe(
    z
      .record(z.string(), metadataValue(limits))
      // Keys are checked here rather than by the record's key schema, whose messages zod replaces with "Invalid key in record".
      .superRefine((value, ctx) => {
        for (const key of Object.keys(value)) {
          const problem = metadataKeyProblem(key, limits)
          if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: problem })
        }
      })
      .refine((value) => Object.keys(value).length <= limits.maxMetadataKeys, overLimit('metadata', limits.maxMetadataKeys, 'keys', 'maxMetadataKeys'))
      .refine(
        (value) => utf8Bytes(JSON.stringify(value)) <= limits.maxMetadataBytes,
        overLimit('metadata as JSON', limits.maxMetadataBytes, 'UTF-8 bytes', 'maxMetadataBytes'),
      ),
  )

/** One part of a message's content, in OpenAI's shape: text, or an image by URL (`https:` or a `data:` URL). */
export const contentPartSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: storable(z.string()) }).strict(),
  z
    .object({
      type: z.literal('image_url'),
      image_url: z
        .object({
          url: z.string().regex(/^(https?:\/\/|data:image\/)/, 'must be an http(s) URL or a data:image/… URL'),
          detail: z.enum(['auto', 'low', 'high']).optional(),
        })
        .strict(),
    })
    .strict(),
])

export const messageSchema = z
  .object({
    role: z.enum(['user', 'assistant', 'system']),
    /** Text, or content parts (text and `image_url`) as in OpenAI's chat API. */
    content: z.union([storable(z.string()), z.array(contentPartSchema).min(1, 'content parts must not be empty')]),
    name: storable(z.string().min(1).max(128)).optional(),
  })
  .strict()

/** A conversation: one string (a single user message) or a list of messages. */
export const messagesSchema = z.union([storable(z.string()), z.array(messageSchema)])

/** A calendar date, `YYYY-MM-DD`: taken as midnight UTC of that day. */
export type IsoDate = `${number}-${number}-${number}`
/** A date and time with its UTC offset: `2025-01-10T09:30:00Z`, `2025-01-10T09:30:00.250+01:00`. */
export type IsoDateTime = `${IsoDate}T${string}`

const INSTANT_FORMS = 'an ISO-8601 date-time with offset (2025-01-10T09:30:00Z) or a date (2025-01-10, midnight UTC)'

/**
 * A point in time as text: {@link IsoDateTime} or {@link IsoDate}. Any `string` type-checks (a
 * `date.toISOString()` is one) and is validated at run time; the two forms name what passes.
 */
export type IsoTime = IsoDateTime | IsoDate | (string & {})

/** A point in time written as text: an ISO-8601 date-time with offset, or a plain date meaning midnight UTC. */
export const isoTimeSchema = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: `must be ${INSTANT_FORMS}` }).pipe(z.custom<IsoTime>())

/** A point in time as public input takes it: a `Date`, or text as {@link isoTimeSchema} reads it. */
export const instantSchema = z.union([z.date(), isoTimeSchema], { error: `must be a Date, or ${INSTANT_FORMS}` })
const instant = instantSchema

export const memoryTypeSchema = z.enum(['semantic', 'procedural'])

/** Who is reading, as the caller names them for the read audit. */
const actorSchema = storable(z.string().min(1).max(256))

/** Options of `get`: the caller's name for the read audit. */
export const readOptionsSchema = z.object({ actor: actorSchema.optional() }).strict()

/** Options of `audit`: reads logged at or after `since`, at most `limit` of them. */
export const auditOptionsSchema = z
  .object({
    since: instant.optional(),
    limit: z.number().int().min(1).max(100_000).optional(),
  })
  .strict()

/** The schemas whose bounds come from `config.limits`. */
function boundedSchemas(limits: InputLimits) {
  const boundedMetadata = metadata(limits)
  return {
    metadata: boundedMetadata,
    addOptions: scopeSchema
      .extend({
        metadata: boundedMetadata.optional(),
        infer: z.boolean().optional(),
        graph: z.boolean().optional(),
        /** When the conversation happened ({@link Instant}: a plain date is midnight UTC); default now. */
        observedAt: instant.optional(),
        /** The memories this add stores expire at this time ({@link Instant}): never returned after it, deleted by `prune`. */
        expiresAt: instant.optional(),
        /** `procedural`: store one summary of an agent's run instead of facts (needs `agentId`). */
        memoryType: memoryTypeSchema.optional(),
      })
      .strict()
      .refine(requireScope, scopeRequired)
      .refine((value) => value.memoryType !== 'procedural' || value.agentId !== undefined, {
        message: 'procedural memory belongs to an agent: agentId is required with memoryType "procedural"',
        path: ['agentId'],
      }),
    searchOptions: scopeSchema
      .extend({
        limit: z.number().int().min(1).max(1000).optional(),
        filters: boundedMetadata.optional(),
        threshold: z.number().finite().optional(),
        hops: z.number().int().min(0).max(4).optional(),
        /** Read the graph as it was at this time ({@link Instant}: a plain date is midnight UTC). */
        asOf: instant.optional(),
        memoryType: memoryTypeSchema.optional(),
        actor: actorSchema.optional(),
      })
      .strict()
      .refine(requireScope, scopeRequired),
    /** Options of `context`; the scope is its own argument. */
    contextOptions: z
      .object({
        /** Budget of the block in cl100k_base tokens (src/context/token-counter.ts). */
        maxTokens: z.number().int().min(1).max(1_000_000).optional(),
        /** Most facts and most relations the block chooses from (each). */
        limit: z.number().int().min(1).max(100).optional(),
        filters: boundedMetadata.optional(),
        hops: z.number().int().min(0).max(4).optional(),
        actor: actorSchema.optional(),
      })
      .strict(),
    getAllOptions: scopeSchema
      .extend({
        limit: z.number().int().min(1).max(100_000).optional(),
        filters: boundedMetadata.optional(),
        memoryType: memoryTypeSchema.optional(),
        actor: actorSchema.optional(),
      })
      .strict()
      .refine(requireScope, scopeRequired),
    query: storable(z.string().trim().min(1, 'query must not be empty')).refine(
      (query) => utf8Bytes(query) <= limits.maxQueryBytes,
      overLimit('a query', limits.maxQueryBytes, 'UTF-8 bytes', 'maxQueryBytes'),
    ),
  }
}

/** Input schemas under a Memory's `config.limits`. */
export type InputSchemas = ReturnType<typeof boundedSchemas>

const schemasByLimits = new WeakMap<InputLimits, InputSchemas>()

/**
 * The schemas of calls whose input `config.limits` bounds, for these limits. Built once per
 * limits object (a Memory's resolved config is frozen, so its limits object never changes).
 */
export function inputSchemas(limits: InputLimits): InputSchemas {
  let schemas = schemasByLimits.get(limits)
  if (schemas === undefined) {
    schemas = boundedSchemas(limits)
    schemasByLimits.set(limits, schemas)
  }
  return schemas
}

const defaults = inputSchemas(DEFAULT_INPUT_LIMITS)

/** Metadata under the default limits: at most 64 keys of letters, digits and `_`; scalar values. */
export const metadataSchema = defaults.metadata
/** Metadata equality filters (`{ category: "food" }`), bounded like metadata. */
export const filtersSchema = metadataSchema
export const querySchema = defaults.query

export const requiredScopeSchema = scopeSchema.refine(requireScope, scopeRequired)

export const memoryIdSchema = storable(z.string().min(1, 'memory id must not be empty').max(128))
export const memoryTextSchema = storable(z.string().trim().min(1, 'memory text must not be empty'))

export type Scope = z.infer<typeof scopeSchema>
/** A `Date`, an ISO-8601 date-time with offset, or a plain `YYYY-MM-DD` date (midnight UTC). */
export type Instant = z.infer<typeof instantSchema>
/** Whether two scopes are the same exact scope: every id equal, an absent id only to an absent id. */
export function sameScope(a: Scope, b: Scope): boolean {
  return a.userId === b.userId && a.agentId === b.agentId && a.runId === b.runId
}

export type Message = z.infer<typeof messageSchema>
export type ContentPart = z.infer<typeof contentPartSchema>
/** A message whose images have been described or dropped: what the pipelines and prompts see. */
export type TextMessage = Omit<Message, 'content'> & { content: string }
export type ReadOptions = z.infer<typeof readOptionsSchema>
export type AuditOptions = z.infer<typeof auditOptionsSchema>
export type Messages = z.infer<typeof messagesSchema>
export type MetadataValue = z.infer<ReturnType<typeof metadataValue>>
export type Metadata = z.infer<typeof metadataSchema>
export type AddOptions = z.infer<typeof defaults.addOptions>
export type SearchOptions = z.infer<InputSchemas['searchOptions']>
export type GetAllOptions = z.infer<InputSchemas['getAllOptions']>
export type ContextOptions = z.infer<InputSchemas['contextOptions']>

/**
 * Validates public input against a schema.
 *
 * @throws EngramError INVALID_INPUT naming every field that failed
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, label: string): z.output<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    throw new EngramError('INVALID_INPUT', `invalid ${label}: ${describeZodError(parsed.error, label)}`, { cause: parsed.error })
  }
  return parsed.data
}
