import type { Scope, TextMessage } from '../input.js'
import { callTool } from '../llm/call-tool.js'
import type { ContextMessage, ContextRetention, ContextStore, LLM } from '../ports.js'
import type { EarlierConversation } from '../prompts/render.js'
import { buildSummarizeConversationMessages, summarizeConversationTool } from '../prompts/summarize-conversation.js'
import type { StageError } from '../types.js'
import type { AddInput } from './add-input.js'
import { estimateTokens } from './chunk-conversation.js'
import type { PipelineContext } from './context.js'

// A summary refresh that keeps failing must not let a scope's stored messages (nor the prompt of
// the refresh that finally succeeds) grow without bound: past this many messages the summary does
// not cover, the oldest are dropped unsummarised. 100 is ten adds of ten messages, the default
// refresh interval of chatty adds.
const MAX_UNSUMMARIZED_MESSAGES = 100

/**
 * The conversation before an add, as its extraction prompts show it: the scope's summary and its
 * last `config.context.messages` messages. `undefined` when context is off, for procedural adds
 * (which summarise a run rather than extract from it), and when the store cannot be read (the
 * add goes on without it and reports a `context` error).
 */
export async function loadEarlierConversation(ctx: PipelineContext, input: AddInput, errors: StageError[]): Promise<EarlierConversation | undefined> {
  if (ctx.context === null || input.memoryType === 'procedural') return undefined
  try {
    const stored = await ctx.context.read(input.scope)
    return { summary: stored.summary, messages: recentMessages(ctx, stored.messages) }
  } catch (error) {
    errors.push({ stage: 'context', message: `the conversation context could not be read, so extraction ran without it: ${messageOf(error)}` })
    return undefined
  }
}

/** The earlier conversation of the next chunk of an add: this one's, followed by the chunk just processed. */
export function followedBy(ctx: PipelineContext, earlier: EarlierConversation | undefined, chunk: readonly TextMessage[]): EarlierConversation | undefined {
  if (earlier === undefined) return undefined
  return { summary: earlier.summary, messages: recentMessages(ctx, [...earlier.messages, ...chunk]) }
}

/**
 * Keeps an add's messages as context of its exact scope, after its writes, and counts the add
 * toward the next summary refresh. Procedural adds are not conversation and are not kept. A
 * failure loses only context, never memories: it is returned as a `context` error.
 */
export async function rememberConversation(ctx: PipelineContext, input: AddInput): Promise<StageError[]> {
  if (ctx.context === null || input.memoryType === 'procedural') return []
  const createdAt = ctx.now().toISOString()
  const messages: ContextMessage[] = input.messages
    .filter((message) => message.content.trim().length > 0)
    .map((message) => ({ role: message.role, content: message.content, ...(message.name === undefined ? {} : { name: message.name }), createdAt }))
  try {
    await ctx.context.append(input.scope, messages, retention(ctx))
    return []
  } catch (error) {
    return [{ stage: 'context', message: `the messages were stored but not kept as conversation context: ${messageOf(error)}` }]
  }
}

/**
 * LLM step `summarize_conversation`: when `config.context.summaryEvery` adds of the scope have
 * come since its summary, merges the summary with the messages since. Runs after `add` has
 * returned (Memory's background work). On failure nothing changes, so the next add retries.
 */
export async function refreshSummaryIfDue(ctx: PipelineContext, context: ContextStore, llm: LLM, scope: Scope): Promise<void> {
  const every = ctx.config.context.summaryEvery
  if (every === 0) return
  const stored = await context.read(scope)
  if (stored.addsSinceSummary < every) return
  const since = stored.messages.slice(stored.messages.length - stored.messagesSinceSummary)
  const { summary } = await callTool(llm, {
    messages: buildSummarizeConversationMessages({
      previous: stored.summary,
      messages: withinTokens(since, ctx.config.limits.chunkTokens),
      today: ctx.now(),
      instructions: ctx.config.prompts.summarizeConversation,
    }),
    tool: summarizeConversationTool,
  })
  await context.setSummary(scope, summary, stored.addsSinceSummary)
}

function retention(ctx: PipelineContext): ContextRetention {
  return { latest: ctx.config.context.messages, unsummarized: ctx.config.context.summaryEvery === 0 ? 0 : MAX_UNSUMMARIZED_MESSAGES }
}

/**
 * The last `config.context.messages` messages, within half a chunk of tokens: the earlier
 * conversation rides along in every extraction call, and one long pasted document must not
 * crowd out the messages being extracted from.
 */
function recentMessages(ctx: PipelineContext, messages: readonly TextMessage[]): TextMessage[] {
  const count = ctx.config.context.messages
  return withinTokens(count === 0 ? [] : messages.slice(-count), Math.floor(ctx.config.limits.chunkTokens / 2))
}

/** The newest messages whose estimated tokens fit `budget`; a newest message alone over it keeps its end. */
function withinTokens(messages: readonly TextMessage[], budget: number): TextMessage[] {
  const kept: TextMessage[] = []
  let used = 0
  for (const message of [...messages].reverse()) {
    const cost = estimateTokens(`${message.role}: ${message.content}`)
    if (used + cost > budget) {
      if (kept.length === 0) kept.push({ ...message, content: `…${message.content.slice(-budget * 4).toWellFormed()}` })
      break
    }
    kept.push(message)
    used += cost
  }
  return kept.reverse()
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
