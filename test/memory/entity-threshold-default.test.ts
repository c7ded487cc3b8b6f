import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Memory } from '../../src/index.js'
import { EMBEDDED_STORES } from '../contract/backends.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'

const graphArgs = (person: string, employer: string) => ({
  entities: [
    { name: person, type: 'person' },
    { name: employer, type: 'organization' },
  ],
  relations: [{ source: person, relationship: 'WORKS_AT', destination: employer }],
})

describe('the default entity threshold of the configured local model (real e5-small-v2)', () => {
  let memory: Memory | undefined
  let dataDir = ''
  afterEach(async () => {
    await memory?.close()
    memory = undefined
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps names apart that its compressed scale puts close, and still merges a suffix variant', async () => {
    const llm = new ScriptedLLM({
      extract_facts: () => ({ facts: [] }),
      extract_graph: [graphArgs('John Smith', 'Microsoft'), graphArgs('Jane Smith', 'Microsoft Corp')],
    })
    dataDir = mkdtempSync(join(tmpdir(), 'engram-test-'))
    const config = {
      dataDir,
      ...EMBEDDED_STORES,
      embedder: { provider: 'local', config: { model: 'e5-small-v2' } },
      graph: { extraction: 'separate' },
    } as const
    memory = await Memory.create(config, { llm })
    await memory.add('John Smith works at Microsoft', { userId: 'u' })
    await memory.add('Jane Smith works at Microsoft Corp', { userId: 'u' })
    // e5-small-v2 scores "John Smith" / "Jane Smith" 0.935, above all-MiniLM-L6-v2's 0.85 but
    // below its own 0.95; "Microsoft" / "Microsoft Corp" 0.975.
    const graph = JSON.parse(await memory.graph.export({ userId: 'u' }, 'json')) as { entities: Array<{ name: string }> }
    expect(graph.entities.map((entity) => entity.name).sort()).toEqual(['Jane Smith', 'John Smith', 'Microsoft'])
  })
})
