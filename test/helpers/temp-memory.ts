import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EngramConfig, Memory, type MemoryAdapters } from '../../src/index.js'
import { EMBEDDED_STORES, type MemoryBackend } from '../contract/backends.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'

/**
 * A Memory in a fresh temp folder on the given backend (embedded SQLite files by default), with
 * the fast hash embedder unless told otherwise. `dispose` resets it first, so a shared server
 * (Neo4j) is left empty for the next test.
 */
export async function openTempMemory(
  adapters: MemoryAdapters = {},
  config: EngramConfig = {},
  backend?: MemoryBackend,
): Promise<{ memory: Memory; dataDir: string; dispose: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-test-'))
  const stores = backend === undefined ? {} : await backend.adapters()
  const memory = await Memory.create(
    { dataDir, ...(backend ?? { config: EMBEDDED_STORES }).config, ...config },
    { embedder: new HashEmbedder(), ...stores, ...adapters },
  )
  return {
    memory,
    dataDir,
    dispose: async () => {
      await memory.reset()
      await memory.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
