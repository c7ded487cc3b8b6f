/**
 * The part of LangChain's API that Engram calls, declared structurally so `@langchain/core` stays
 * an optional peer dependency: a `BaseChatModel` or an `Embeddings` instance satisfies these
 * types without Engram importing LangChain's classes. Only `langchain-llm.ts` loads LangChain at
 * run time (for its message classes).
 */

/** A tool in OpenAI function format, which every LangChain chat model's `bindTools` accepts. */
export interface LangChainTool {
  type: 'function'
  function: { name: string; description: string; parameters: Record<string, unknown> }
}

/**
 * `tool_choice` as LangChain models take it: a tool's name forces that tool, `'any'` requires a
 * call to one or more of the bound tools (each integration maps it, e.g. ChatOpenAI to
 * `'required'`, ChatAnthropic to `{type: 'any'}`).
 */
export type LangChainToolChoice = string

/** A tool call LangChain parsed: `args` is already an object. */
export interface LangChainToolCall {
  name: string
  args: Record<string, unknown>
}

/** A tool call whose arguments LangChain could not parse; `args` is the raw text. */
export interface LangChainInvalidToolCall {
  name?: string
  args?: string
  error?: string
}

/** The fields Engram reads from the AIMessage a chat model returns. */
export interface LangChainAIMessage {
  /** A string, or content blocks of which the `text` ones are read. */
  content: unknown
  tool_calls?: LangChainToolCall[]
  invalid_tool_calls?: LangChainInvalidToolCall[]
  usage_metadata?: { input_tokens: number; output_tokens: number }
}

/** What `bindTools` returns: a runnable taking LangChain messages. */
export interface LangChainToolRunnable {
  /** `timeout` in milliseconds aborts the call with a `TimeoutError`. */
  invoke(input: unknown, options?: { signal?: AbortSignal; timeout?: number }): Promise<LangChainAIMessage>
}

/**
 * A LangChain chat model that supports tool calling (`BaseChatModel` declares `bindTools` as
 * optional; models without it are rejected by the config schema).
 */
export interface LangChainChatModel {
  bindTools?(tools: LangChainTool[], kwargs?: { tool_choice?: LangChainToolChoice }): LangChainToolRunnable
  /** Set by most integrations (ChatOpenAI, ChatAnthropic, …). */
  model?: string
  getName?(): string
}

/** A LangChain `Embeddings` instance. */
export interface LangChainEmbeddings {
  embedDocuments(documents: string[]): Promise<number[][]>
  embedQuery(document: string): Promise<number[]>
  /** Set by most integrations. */
  model?: string
}
