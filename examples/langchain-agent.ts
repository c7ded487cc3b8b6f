import type { BaseChatModel } from '@langchain/core/language_models/chat_models'
import { type BaseMessage, HumanMessage, SystemMessage } from '@langchain/core/messages'
import type { Memory } from 'engram'
import { createMemoryTools, EngramRetriever } from 'engram/langchain'

/** One turn of a chat agent with long-term memory of its user: it reads and edits memory itself. */
export async function chatWithMemory(model: BaseChatModel, memory: Memory, userId: string, text: string): Promise<string> {
  // What Engram already knows that bears on the message: facts and graph relations.
  const known = await new EngramRetriever(memory, { userId, limit: 5 }).invoke(text)
  // remember / recall / recall_context / forget / inspect_graph, confined to this user.
  const tools = createMemoryTools(memory, { userId })
  if (model.bindTools === undefined) throw new Error('the chat model must support tool calling')
  const agent = model.bindTools(tools)

  const messages: BaseMessage[] = [
    new SystemMessage(
      'You are a helpful assistant with long-term memory. Remember what the user tells you about ' +
        'themselves, and forget what they correct.\nWhat you know about the user:\n' +
        known.map((doc) => `- ${doc.pageContent}`).join('\n'),
    ),
    new HumanMessage(text),
  ]
  for (let step = 0; step < 5; step++) {
    const reply = await agent.invoke(messages)
    messages.push(reply)
    if (!reply.tool_calls?.length) return reply.text
    for (const call of reply.tool_calls) {
      const tool = tools.find((candidate) => candidate.name === call.name)
      if (tool === undefined) throw new Error(`the model called an unknown tool: ${call.name}`)
      messages.push(await tool.invoke(call))
    }
  }
  throw new Error('no answer after 5 steps')
}
