import { statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { EngramError } from '../../errors.js'

// scripts/fetch-model.mjs writes these; it cannot import this file (it runs before any build),
// so the default dir and the file names are repeated there and must stay in step.

/** The ONNX model's file name inside the model dir. */
export const MODEL_FILE = 'model.onnx'

/** The Hugging Face tokenizer.json's file name inside the model dir. */
export const TOKENIZER_FILE = 'tokenizer.json'

/** Paths of the files the local embedder loads. */
export interface ModelFiles {
  readonly model: string
  readonly tokenizer: string
}

/** Where `npx engram fetch-model` puts the model when not told otherwise: `~/.cache/engram/models/all-minilm-l6-v2-q`. */
export function defaultModelDir(home = homedir()): string {
  return join(home, '.cache', 'engram', 'models', 'all-minilm-l6-v2-q')
}

/**
 * The model files in `dir`.
 *
 * @throws EngramError `EMBEDDER_UNAVAILABLE` when either file is missing, naming the folder and
 * the command that fetches them.
 */
export function locateModelFiles(dir: string): ModelFiles {
  const files: ModelFiles = { model: join(dir, MODEL_FILE), tokenizer: join(dir, TOKENIZER_FILE) }
  const missing = [files.model, files.tokenizer].filter((path) => !isFile(path))
  if (missing.length > 0) throw missingModelError(dir, missing)
  return files
}

function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false
  } catch (error) {
    // EACCES on the folder, ENOTDIR, ELOOP: the model is there or not, but it cannot be read.
    throw new EngramError('EMBEDDER_UNAVAILABLE', `Cannot read the local embedding model file ${path}: ${(error as Error).message}`, { cause: error })
  }
}

function missingModelError(dir: string, missing: string[]): EngramError {
  // A custom dir must be passed on, or the command would fill the default dir instead.
  const dirFlag = dir === defaultModelDir() ? '' : ` --dir ${JSON.stringify(dir)}`
  const npmArgs = dirFlag === '' ? '' : ` --${dirFlag}`
  return new EngramError(
    'EMBEDDER_UNAVAILABLE',
    `The local embedding model is not in ${dir} (missing ${missing.join(', ')}). ` +
      `Fetch it with \`npx engram fetch-model${dirFlag}\` (inside the Engram repository: \`npm run fetch-model${npmArgs}\`).`,
  )
}
