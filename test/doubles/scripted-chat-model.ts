import type { BaseLanguageModelInput } from '@langchain/core/language_models/base'
import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from '@langchain/core/language_models/chat_models'
import { AIMessage, type AIMessageChunk, type BaseMessage } from '@langchain/core/messages'
import type { ChatResult } from '@langchain/core/outputs'
import type { Runnable } from '@langchain/core/runnables'

/** One scripted answer: a message, an error to throw, or a function of the messages the model was shown. */
export type ChatAnswer = AIMessage | Error | ((messages: BaseMessage[]) => AIMessage)

/** An AIMessage calling one tool. */
export function callingTool(name: string, args: Record<string, unknown>, id = `call_${name}`): AIMessage {
  return new AIMessage({ content: '', tool_calls: [{ name, args, id, type: 'tool_call' }] })
}

/**
 * A LangChain chat model answering from a script, in order, recording what it was bound with
 * (`bound`) and shown (`seen`). It goes through BaseChatModel's real invoke path (message
 * coercion, callbacks, run config), so code under test uses it as it would a real integration.
 * Test scaffolding only.
 */
export class ScriptedChatModel extends BaseChatModel<BaseChatModelCallOptions & { tools?: BindToolsInput[] }> {
  readonly bound: Array<{ tools: BindToolsInput[]; toolChoice: unknown }> = []
  readonly seen: BaseMessage[][] = []
  readonly #answers: ChatAnswer[]

  constructor(answers: ChatAnswer[]) {
    super({})
    this.#answers = answers
  }

  _llmType(): string {
    return 'scripted'
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<BaseChatModelCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, BaseChatModelCallOptions> {
    this.bound.push({ tools, toolChoice: kwargs?.tool_choice })
    return this.withConfig({ ...kwargs, tools })
  }

  async _generate(messages: BaseMessage[], _options: this['ParsedCallOptions']): Promise<ChatResult> {
    this.seen.push(messages)
    const answer = this.#answers.shift()
    if (answer === undefined) throw new Error('ScriptedChatModel ran out of answers')
    if (answer instanceof Error) throw answer
    const message = typeof answer === 'function' ? answer(messages) : answer
    return { generations: [{ text: typeof message.content === 'string' ? message.content : '', message }] }
  }
}
