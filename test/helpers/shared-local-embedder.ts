import { afterAll } from 'vitest'
import { LocalEmbedder } from '../../src/adapters/local/local-embedder.js'
import type { Embedder } from '../../src/ports.js'
import { testModelDir } from './model-dir.js'

let opened: Promise<LocalEmbedder> | undefined

// Registered when a test file imports this helper (each file has its own module instance).
afterAll(async () => {
  await (await opened)?.close()
  opened = undefined
})

/**
 * The real local embedding model, loaded once per test file and shared by the Memories a file
 * opens: `Memory.close()` closes its adapters, so each gets a view whose `close` leaves the model
 * loaded; the model itself is closed after the file's tests.
 */
export async function sharedLocalEmbedder(): Promise<Embedder> {
  opened ??= LocalEmbedder.open({ modelDir: testModelDir() })
  const model = await opened
  return { model: model.model, embed: (texts, purpose) => model.embed(texts, purpose), close: async () => undefined }
}
