/*
 * What both LLM test doubles (scripted-llm.ts in process, fake-openai-server.ts over HTTP) answer
 * for tools a script does not answer itself, so one script serves every protocol variant.
 */

/** The combined extraction tool (docs/contract.md), answered from the separate steps' scripts when not scripted itself. */
export const COMBINED_EXTRACTION = 'extract_memories'

/** The background summary refresh (src/prompts/summarize-conversation.ts). */
export const SUMMARY = 'summarize_conversation'

/** What `summarize_conversation` answers when a script does not answer it. */
export const SCRIPTED_SUMMARY = 'The user has been chatting with the assistant.'

/**
 * `extract_memories` from a script written for the two separate extraction steps: both answers,
 * merged (a script without `extract_graph` extracts no graph). A fault (whole reply) from either
 * step is the combined step's reply.
 */
export async function combinedExtraction(
  answer: (tool: 'extract_facts' | 'extract_graph') => Promise<unknown>,
  scriptsGraph: boolean,
  isFault: (answer: unknown) => boolean,
): Promise<unknown> {
  const facts = await answer('extract_facts')
  if (isFault(facts)) return facts
  const graph = scriptsGraph ? await answer('extract_graph') : { entities: [], relations: [] }
  return isFault(graph) ? graph : { ...(graph as object), ...(facts as object) }
}
