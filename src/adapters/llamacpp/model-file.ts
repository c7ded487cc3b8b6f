import { statSync } from 'node:fs'
import { freemem, homedir } from 'node:os'
import { join } from 'node:path'
import { EngramError } from '../../errors.js'

// scripts/fetch-model.mjs (`--llm`) writes this file; it cannot import this module (it runs before
// any build), so the folder and file name are repeated there and must stay in step.

/** The command that fetches the small local chat model. */
export const FETCH_LLM_COMMAND = 'npx engram fetch-model --llm'

/**
 * Where `npx engram fetch-model --llm` puts SmolLM2-135M-Instruct (Q4_1 GGUF, ~98 MB): a model for
 * wiring and privacy demos, not for quality.
 */
export function defaultLocalLLMPath(home = homedir()): string {
  return join(home, '.cache', 'engram', 'models', 'smollm2-135m-instruct', 'SmolLM2-135M-Instruct.Q4_1.gguf')
}

/**
 * Checks that a GGUF file exists and could fit in the memory that is free right now, before
 * llama.cpp maps it (a model larger than free memory would make the machine swap or be killed).
 *
 * @throws EngramError `LLM_UNAVAILABLE` naming the path and what to do.
 */
export function checkModelFile(path: string, freeBytes = freemem()): void {
  const stats = statSync(path, { throwIfNoEntry: false })
  if (stats === undefined || !stats.isFile()) {
    throw new EngramError(
      'LLM_UNAVAILABLE',
      `no GGUF model file at ${path}. Fetch the small demo model with \`${FETCH_LLM_COMMAND}\` ` +
        `(it goes to ${defaultLocalLLMPath()}), or set llm.config.modelPath to a GGUF file you have.`,
    )
  }
  if (stats.size > freeBytes) {
    throw new EngramError(
      'LLM_UNAVAILABLE',
      `the model ${path} is ${gigabytes(stats.size)} but only ${gigabytes(freeBytes)} of memory is free: ` +
        'use a smaller quantisation (e.g. Q4_K_M of a 3B–8B model), free memory, or serve it from another machine through an OpenAI-compatible server.',
    )
  }
}

function gigabytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`
}
