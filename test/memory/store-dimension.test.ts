import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Memory } from '../../src/index.js'
import type { GraphStore, VectorStore } from '../../src/ports.js'
import { EMBEDDED_STORES, GRAPH_STORE_BACKENDS, VECTOR_STORE_BACKENDS } from '../contract/backends.js'
import { HashEmbedder } from '../doubles/hash-embedder.js'
import { ScriptedLLM } from '../doubles/scripted-llm.js'
import { rejection } from '../helpers/rejection.js'

/**
 * A store built with one embedding model, opened with another: `Memory.create` refuses with
 * INVALID_CONFIG naming both dimensions and the ways out, instead of opening and failing every add
 * in that store while the other stores take it.
 */
describe('opening a store that holds embeddings of another dimension', () => {
  const folder = mkdtempSync(join(tmpdir(), 'engram-dimension-'))
  afterAll(() => rmSync(folder, { recursive: true, force: true }))
  let files = 0
  const dataDir = () => join(folder, `data-${files++}`)

  /** One add through both pipelines: a fact in the vector store, entities with embeddings in the graph. */
  const llm = () =>
    new ScriptedLLM({
      extract_facts: () => ({ facts: ['Works at Acme'] }),
      extract_graph: () => ({
        entities: [
          { name: 'I', type: 'person' },
          { name: 'Acme', type: 'organization' },
        ],
        relations: [{ source: 'I', relationship: 'works at', destination: 'Acme' }],
      }),
    })

  const expectRefusal = (error: { code: string; message: string }, store: string) => {
    expect(error.code).toBe('INVALID_CONFIG')
    expect(error.message).toContain(store)
    expect(error.message).toContain('holds 64-dimensional embeddings, but the embedder (hash-32) makes 32-dimensional ones')
    expect(error.message).toContain('Configure that model again, or start over with this one')
  }

  for (const backend of GRAPH_STORE_BACKENDS) {
    it(`refuses at open: graph store ${backend.name}`, async () => {
      const location = backend.location()
      const open = () => backend.open(location)
      const built = await Memory.create({ dataDir: dataDir(), ...EMBEDDED_STORES }, { embedder: new HashEmbedder(64), llm: llm(), graphStore: await open() })
      await built.add('I work at Acme', { userId: 'alice' })
      await built.close()

      const graphStore: GraphStore = await open()
      try {
        // The vector store is new and empty: only the graph holds the other model's embeddings.
        const error = await rejection(Memory.create({ dataDir: dataDir(), ...EMBEDDED_STORES }, { embedder: new HashEmbedder(32), llm: llm(), graphStore }))
        expectRefusal(error, 'the graph store')
      } finally {
        await graphStore.reset()
        await graphStore.close()
      }
    })
  }

  for (const backend of VECTOR_STORE_BACKENDS) {
    it(`refuses at open: vector store ${backend.name}`, async () => {
      const location = backend.location()
      const built = await Memory.create(
        { dataDir: dataDir(), graphStore: { provider: 'none' } },
        { embedder: new HashEmbedder(64), vectorStore: await backend.open(location) },
      )
      await built.add('Alice works at Acme', { userId: 'alice', infer: false })
      await built.close()

      const vectorStore: VectorStore = await backend.open(location)
      try {
        const error = await rejection(Memory.create({ dataDir: dataDir(), graphStore: { provider: 'none' } }, { embedder: new HashEmbedder(32), vectorStore }))
        expectRefusal(error, 'the vector store')
      } finally {
        await vectorStore.reset()
        await vectorStore.close()
      }
    })
  }

  it('names the configured store by where it is, and opens with the model that built it', async () => {
    const dir = dataDir()
    const built = await Memory.create({ dataDir: dir, ...EMBEDDED_STORES }, { embedder: new HashEmbedder(64), llm: llm() })
    await built.add('I work at Acme', { userId: 'alice' })
    await built.close()
    expectRefusal(
      await rejection(Memory.create({ dataDir: dir, ...EMBEDDED_STORES }, { embedder: new HashEmbedder(32) })),
      `the vector store at ${join(dir, 'memories.db')}`,
    )
    const again = await Memory.create({ dataDir: dir, ...EMBEDDED_STORES }, { embedder: new HashEmbedder(64) })
    expect((await again.getAll({ userId: 'alice' })).results).toHaveLength(1)
    await again.close()
  })
})
