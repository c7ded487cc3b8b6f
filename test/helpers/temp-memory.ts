import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EngramConfig, Memory, type MemoryAdapters } from '../../src/index.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'

/** A Memory on real SQLite files in a fresh temp folder, with the fast hash embedder unless told otherwise. */
export async function openTempMemory(
  adapters: MemoryAdapters = {},
  config: EngramConfig = {},
): Promise<{ memory: Memory; dataDir: string; dispose: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-test-'))
  const memory = await Memory.create({ dataDir, ...config }, { embedder: new HashEmbedder(), ...adapters })
  return {
    memory,
    dataDir,
    dispose: async () => {
      await memory.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
