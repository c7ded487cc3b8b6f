import { EngramError } from '../errors.js'
import { addOptionsSchema, type Message, messagesSchema, parseInput } from '../input.js'
import { definedScope } from '../memory-records.js'
import type { AddInput } from '../pipelines/add-input.js'
import { chunkConversation } from '../pipelines/chunk-conversation.js'
import type { PipelineContext } from '../pipelines/context.js'
import { runFactPipeline } from '../pipelines/fact-pipeline.js'
import { requireLLM } from '../pipelines/require-llm.js'
import { storeVerbatim } from '../pipelines/store-verbatim.js'
import type { AddResult, MemoryEvent, StageError } from '../types.js'

/**
 * `Memory.add`: validates everything before touching a store, then either stores the messages
 * verbatim (`infer: false`) or runs the pipelines over each chunk of the conversation in order,
 * so a later chunk sees what an earlier one stored.
 */
export async function add(ctx: PipelineContext, messages: unknown, options: unknown): Promise<AddResult> {
  const input = parseAddInput(ctx, messages, options)
  if (!input.infer) {
    const stored = await storeVerbatim(ctx, input)
    return addResult(stored.events, historyErrors(stored.historyError))
  }
  const llm = requireLLM(ctx)
  const today = ctx.now()
  const chunks = chunkConversation(input.messages, ctx.config.limits.chunkTokens)
  const events: MemoryEvent[] = []
  const errors: StageError[] = []
  for (const [index, chunk] of chunks.entries()) {
    try {
      const outcome = await runFactPipeline(ctx, llm, { ...input, messages: chunk }, today)
      events.push(...outcome.events)
      errors.push(...outcome.problems.map((message) => ({ stage: 'facts' as const, message })), ...historyErrors(outcome.historyError))
    } catch (error) {
      // Nothing was written yet: the caller gets the error itself rather than an empty result.
      if (index === 0) throw error
      // Earlier chunks are stored; report where the conversation stopped being processed.
      const reason = error instanceof Error ? error.message : String(error)
      errors.push({ stage: 'facts', message: `chunk ${index + 1} of ${chunks.length} and later were not processed: ${reason}` })
      break
    }
  }
  return addResult(events, errors)
}

/** Parses and bounds an add's input; nothing has been written when this throws. */
export function parseAddInput(ctx: PipelineContext, messages: unknown, options: unknown): AddInput {
  const opts = parseInput(addOptionsSchema, options, 'options')
  const conversation = toMessages(parseInput(messagesSchema, messages, 'messages'))
  if (!conversation.some((message) => message.content.trim().length > 0)) {
    throw new EngramError('INVALID_INPUT', 'invalid messages: there must be at least one message with non-empty content')
  }
  const bytes = conversation.reduce((total, message) => total + Buffer.byteLength(message.content, 'utf8'), 0)
  const limit = ctx.config.limits.maxInputBytes
  if (bytes > limit) {
    throw new EngramError(
      'INVALID_INPUT',
      `invalid messages: ${bytes} bytes exceed the limit of ${limit} bytes per add; split the conversation or raise config.limits.maxInputBytes`,
    )
  }
  return {
    messages: conversation,
    scope: definedScope(opts),
    metadata: opts.metadata ?? {},
    infer: opts.infer ?? true,
    graph: opts.graph ?? false,
  }
}

function toMessages(messages: string | Message[]): Message[] {
  return typeof messages === 'string' ? [{ role: 'user', content: messages }] : messages
}

function historyErrors(historyError: string | undefined): StageError[] {
  return historyError === undefined ? [] : [{ stage: 'history', message: historyError }]
}

function addResult(results: MemoryEvent[], errors: StageError[]): AddResult {
  return {
    results,
    relations: { added: [], updated: [], invalidated: [] },
    ...(errors.length > 0 ? { errors } : {}),
  }
}
