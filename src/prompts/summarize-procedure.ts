import { z } from 'zod'
import type { TextMessage } from '../input.js'
import type { ToolSpec } from '../llm/call-tool.js'
import { modelText } from '../normalize.js'
import type { ChatMessage } from '../ports.js'
import { extractionMessages } from './render.js'

/**
 * Bounds of the summary, in characters and steps. The whole summary becomes one memory that a
 * search returns and an agent reads back into its prompt: it must stay a summary, not a transcript
 * (at the bounds, about 20 KB).
 */
export const PROCEDURE_BOUNDS = { goal: 500, steps: 30, action: 300, output: 300, outcome: 1000 } as const

const boundedText = (max: number, description: string) => z.string().trim().min(1).max(max).transform(modelText).describe(description)

/** Arguments of `summarize_procedure`. */
export const summarizeProcedureArgs = z.object({
  goal: boundedText(PROCEDURE_BOUNDS.goal, 'What the agent set out to do.'),
  steps: z
    .array(
      z.object({
        action: boundedText(PROCEDURE_BOUNDS.action, 'What the agent did in this step (tool called, with its key arguments).'),
        output: boundedText(PROCEDURE_BOUNDS.output, 'What the step produced or returned, in short; the values that mattered.'),
      }),
    )
    .max(PROCEDURE_BOUNDS.steps)
    .describe('The steps in the order they happened; empty when the agent took none.'),
  outcome: boundedText(PROCEDURE_BOUNDS.outcome, 'How the run ended: the result, or why it failed, and what to do differently next time.'),
})

export type ProcedureSummary = z.output<typeof summarizeProcedureArgs>

export const summarizeProcedureTool: ToolSpec<typeof summarizeProcedureArgs> = {
  name: 'summarize_procedure',
  description: "Summarise an agent's run as its goal, its steps with their outputs, and its outcome.",
  schema: summarizeProcedureArgs,
}

/** Default instructions; `config.prompts.summarizeProcedure` replaces them. */
export const SUMMARIZE_PROCEDURE_INSTRUCTIONS = `You keep the procedural memory of an AI agent: how it went about its tasks, so
that next time it can repeat what worked and avoid what did not.
Read the agent's run (its messages, tool calls and their results) and summarise it:
- goal: the task the agent worked on, in one sentence.
- steps: each meaningful action in order, with the output it produced. Merge trivial repeats;
  keep exact names, commands, identifiers and numbers that the next run would need.
- outcome: whether the goal was reached, the final result, and any lesson for next time.
Answer only by calling summarize_procedure.`

export interface SummarizeProcedureContext {
  messages: readonly TextMessage[]
  today: Date
  instructions?: string
}

export function buildSummarizeProcedureMessages(context: SummarizeProcedureContext): ChatMessage[] {
  return extractionMessages(context.instructions ?? SUMMARIZE_PROCEDURE_INSTRUCTIONS, context.today, context.messages)
}

/** The summary as the one memory text that is stored, embedded and searched. */
export function renderProcedure(summary: ProcedureSummary): string {
  const steps = summary.steps.map((step, index) => `${index + 1}. ${step.action} → ${step.output}`)
  return [`Goal: ${summary.goal}`, ...(steps.length > 0 ? ['Steps:', ...steps] : []), `Outcome: ${summary.outcome}`].join('\n')
}
