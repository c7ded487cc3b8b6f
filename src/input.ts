import { z } from 'zod'
import { describeZodError, EngramError } from './errors.js'

/**
 * zod schemas for every public call's input. Public input types are inferred from them,
 * so the validation and the documentation cannot drift apart.
 */

const scopeId = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters')

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

/** A metadata value: scalars only, so every store can filter on it. */
export const metadataValueSchema = z.union([z.string(), z.number().finite(), z.boolean(), z.null()])
export const metadataSchema = z.record(
  z.string().min(1).max(128).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'metadata keys are letters, digits and _, not starting with a digit'),
  metadataValueSchema,
)

/** Metadata equality filters (`{ category: "food" }`). */
export const filtersSchema = metadataSchema

export const messageSchema = z
  .object({
    role: z.enum(['user', 'assistant', 'system']),
    content: z.string(),
    name: z.string().min(1).max(128).optional(),
  })
  .strict()

/** A conversation: one string (a single user message) or a list of messages. */
export const messagesSchema = z.union([z.string(), z.array(messageSchema)])

export const addOptionsSchema = scopeSchema
  .extend({
    metadata: metadataSchema.optional(),
    infer: z.boolean().optional(),
    graph: z.boolean().optional(),
    observedAt: z.union([z.date(), z.string().datetime({ offset: true })]).optional(),
  })
  .strict()
  .refine(requireScope, scopeRequired)

export const searchOptionsSchema = scopeSchema
  .extend({
    limit: z.number().int().min(1).max(1000).optional(),
    filters: filtersSchema.optional(),
    threshold: z.number().finite().optional(),
    hops: z.number().int().min(0).max(4).optional(),
    asOf: z.union([z.date(), z.string().datetime({ offset: true })]).optional(),
  })
  .strict()
  .refine(requireScope, scopeRequired)

export const getAllOptionsSchema = scopeSchema
  .extend({
    limit: z.number().int().min(1).max(100_000).optional(),
    filters: filtersSchema.optional(),
  })
  .strict()
  .refine(requireScope, scopeRequired)

export const requiredScopeSchema = scopeSchema.refine(requireScope, scopeRequired)

export const memoryIdSchema = z.string().min(1, 'memory id must not be empty').max(128)
export const memoryTextSchema = z.string().trim().min(1, 'memory text must not be empty')
export const querySchema = z.string().trim().min(1, 'query must not be empty')

export type Scope = z.infer<typeof scopeSchema>
export type Message = z.infer<typeof messageSchema>
export type Messages = z.infer<typeof messagesSchema>
export type MetadataValue = z.infer<typeof metadataValueSchema>
export type Metadata = z.infer<typeof metadataSchema>
export type AddOptions = z.infer<typeof addOptionsSchema>
export type SearchOptions = z.infer<typeof searchOptionsSchema>
export type GetAllOptions = z.infer<typeof getAllOptionsSchema>

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
