import { readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { EngramError } from '../../errors.js'
import { DEFAULT_LOCAL_MODEL, LOCAL_EMBEDDING_MODELS } from './embedding-models.js'
import type { LocalEmbeddingModel } from './embedding-models.js'

// scripts/fetch-model.mjs writes these; it cannot import this file (it runs before any build),
// so the default dirs and the file names are repeated there and must stay in step.

/** The ONNX model's file name inside the model dir. */
export const MODEL_FILE = 'model.onnx'

/** The Hugging Face tokenizer.json's file name inside the model dir. */
export const TOKENIZER_FILE = 'tokenizer.json'

/**
 * The file naming the model a dir holds. The models share one tokenizer.json and their ONNX
 * files are alike in shape, so without it a dir filled for one model would load as another.
 * Dirs fetched before there was a choice have none and hold all-MiniLM-L6-v2.
 */
export const MODEL_NAME_FILE = 'model-name.txt'
const UNNAMED_DIR_MODEL = 'all-MiniLM-L6-v2'

/** Paths of the files the local embedder loads. */
export interface ModelFiles {
  readonly model: string
  readonly tokenizer: string
}

/** Where `npx engram fetch-model` puts a model when not told otherwise: `~/.cache/engram/models/<folder>`. */
export function defaultModelDir(model: LocalEmbeddingModel = LOCAL_EMBEDDING_MODELS[DEFAULT_LOCAL_MODEL], home = homedir()): string {
  return join(home, '.cache', 'engram', 'models', model.folder)
}

/**
 * The files of `model` in `dir`.
 *
 * @throws EngramError `EMBEDDER_UNAVAILABLE` when a file is missing or the dir holds another
 * model, naming the folder and the command that fetches the right one.
 */
export function locateModelFiles(dir: string, model: LocalEmbeddingModel = LOCAL_EMBEDDING_MODELS[DEFAULT_LOCAL_MODEL]): ModelFiles {
  const files: ModelFiles = { model: join(dir, MODEL_FILE), tokenizer: join(dir, TOKENIZER_FILE) }
  const missing = [files.model, files.tokenizer].filter((path) => !isFile(path))
  if (missing.length > 0) throw modelError(dir, model, `is not in ${dir} (missing ${missing.join(', ')})`)
  const held = modelNameIn(dir)
  if (held !== model.name) throw modelError(dir, model, `is not in ${dir}, which holds ${held}`)
  return files
}

function modelNameIn(dir: string): string {
  const path = join(dir, MODEL_NAME_FILE)
  return isFile(path) ? readFileSync(path, 'utf8').trim() : UNNAMED_DIR_MODEL
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false
}

function modelError(dir: string, model: LocalEmbeddingModel, problem: string): EngramError {
  // A custom dir must be passed on, or the command would fill the default dir instead.
  const dirFlag = dir === defaultModelDir(model) ? '' : ` --dir ${JSON.stringify(dir)}`
  const flags = `--model ${model.name}${dirFlag}`
  return new EngramError(
    'EMBEDDER_UNAVAILABLE',
    `The local embedding model ${model.name} ${problem}. ` +
      `Fetch it with \`npx engram fetch-model ${flags}\` (inside the Engram repository: \`npm run fetch-model -- ${flags}\`).`,
  )
}
