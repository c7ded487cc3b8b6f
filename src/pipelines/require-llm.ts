import { ENV_VARS } from '../config/env.js'
import { EngramError } from '../errors.js'
import type { LLM } from '../ports.js'
import type { PipelineContext } from './context.js'

/**
 * The configured LLM, or an error that says how to configure one. Thrown before anything is
 * written, so an add that cannot infer leaves every store untouched.
 */
export function requireLLM(ctx: PipelineContext): LLM {
  if (ctx.llm !== null) return ctx.llm
  throw new EngramError(
    'LLM_UNAVAILABLE',
    `no LLM is configured, so add() cannot extract facts. Set ${ENV_VARS.openaiApiKey} (OpenAI), or ${ENV_VARS.openaiBaseURL} for any ` +
      `OpenAI-compatible server such as Ollama or vLLM (model via ${ENV_VARS.llmModel}), or pass config.llm; ` +
      `add(messages, { infer: false }) stores messages verbatim without an LLM.`,
  )
}
