import { defaultModelDir } from '../../src/adapters/local/model-files.js'

/**
 * Where tests find the local embedding model: ENGRAM_MODEL_DIR, else the default dir that
 * `npm run fetch-model` fills. Tests that need the model fail (never skip) when it is missing,
 * with the message that names the fetch command.
 */
export function testModelDir(): string {
  return process.env.ENGRAM_MODEL_DIR ?? defaultModelDir()
}
