import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SqliteHistoryStore } from '../../src/adapters/sqlite/sqlite-history-store.js'
import { SqliteVectorStore } from '../../src/adapters/sqlite/sqlite-vector-store.js'
import type { HistoryRecord, MemoryWrite, Vector } from '../../src/ports.js'

/*
 * Deleting a scope must leave no trace of its data in the SQLite files: not in free pages of the
 * database (PRAGMA secure_delete), not in the keyword index's segments (FTS5 secure-delete), not
 * in the write-ahead log (checkpoint with TRUNCATE after the delete). These scan the raw bytes of
 * the .db, -wal and -shm files for the deleted words and the user id, while the stores are open and
 * after they are closed. Every scan is checked against a control first: the words are found
 * before the delete, and another user's words are still found after it.
 */

const folder = mkdtempSync(join(tmpdir(), 'engram-erasure-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

// Distinctive words: no other word of the index shares a prefix with them, so FTS5's prefix
// compression of terms cannot hide them from a byte scan.
const GONE_USER = 'erasure-user-91f3'
const GONE_WORDS = ['qqzvmarmalade', 'xjwkzeppelin']
const KEPT_USER = 'keeper-user-5d2a'
const KEPT_WORD = 'vvyqharmonica'

const FILES = ['', '-wal', '-shm']

/** Which of `needles` occur in the bytes of the database file or its -wal and -shm files. */
function traces(path: string, needles: string[]): string[] {
  const contents = FILES.map((suffix) => path + suffix)
    .filter(existsSync)
    .map((file) => readFileSync(file))
  return needles.filter((needle) => contents.some((bytes) => bytes.includes(Buffer.from(needle, 'utf8'))))
}

const at = '2024-01-01T00:00:00.000Z'
function vector(seed: number): Vector {
  const values = Float32Array.from({ length: 8 }, (_, index) => Math.sin(seed * 7 + index))
  const norm = Math.hypot(...values)
  return values.map((value) => value / norm)
}

function memory(id: string, userId: string, text: string): MemoryWrite {
  return {
    id,
    text,
    hash: id,
    metadata: { note: text },
    scope: { userId },
    createdAt: at,
    updatedAt: at,
    observedAt: at,
    expiresAt: null,
    memoryType: 'semantic',
    mentions: 1,
    vector: vector(id.length + text.length),
  }
}

/** Enough rows to span many pages and several FTS5 segments (one per insert transaction). */
function memories(userId: string, words: string[], count: number): MemoryWrite[] {
  return Array.from({ length: count }, (_, index) =>
    memory(`${userId}-${index}`, userId, `${words.join(' ')} number ${index} ${'padding '.repeat(index % 20)}`),
  )
}

function history(userId: string, words: string[], count: number): HistoryRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    target: 'memory',
    targetId: `${userId}-${index}`,
    event: 'UPDATE',
    oldValue: `${words[0]} before ${index}`,
    newValue: `${words.join(' ')} after ${index}`,
    scope: { userId },
    actor: userId,
    createdAt: at,
  }))
}

describe('deleteScope leaves no trace in the SQLite files', () => {
  const gone = [GONE_USER, ...GONE_WORDS]

  it('vector store: the memories, their keyword index entries and the user id', async () => {
    const path = join(folder, 'vector.db')
    const store = await SqliteVectorStore.open({ path })
    for (let batch = 0; batch < 5; batch++) {
      await store.insert(memories(GONE_USER, GONE_WORDS, 40).map((written) => ({ ...written, id: `${written.id}-${batch}` })))
      await store.insert(memories(KEPT_USER, [KEPT_WORD], 10).map((written) => ({ ...written, id: `${written.id}-${batch}` })))
    }
    expect(traces(path, gone)).toEqual(gone)
    expect(await store.deleteScope({ userId: GONE_USER })).toHaveLength(200)
    expect(traces(path, [...gone, KEPT_USER, KEPT_WORD])).toEqual([KEPT_USER, KEPT_WORD])
    // The kept memories are still searchable: the index was edited, not dropped.
    const hits = await store.search({ scope: { userId: KEPT_USER }, vector: vector(1), text: KEPT_WORD, limit: 100 })
    expect(hits).toHaveLength(50)
    await store.close()
    expect(traces(path, [...gone, KEPT_USER, KEPT_WORD])).toEqual([KEPT_USER, KEPT_WORD])
  })

  it('history store: old and new texts, actors and the user id', async () => {
    const path = join(folder, 'history.db')
    const store = await SqliteHistoryStore.open({ path })
    for (let batch = 0; batch < 5; batch++) {
      await store.append(history(GONE_USER, GONE_WORDS, 40))
      await store.append(history(KEPT_USER, [KEPT_WORD], 10))
    }
    expect(traces(path, gone)).toEqual(gone)
    expect(await store.deleteScope({ userId: GONE_USER })).toBe(200)
    expect(traces(path, [...gone, KEPT_USER, KEPT_WORD])).toEqual([KEPT_USER, KEPT_WORD])
    await store.close()
    expect(traces(path, [...gone, KEPT_USER, KEPT_WORD])).toEqual([KEPT_USER, KEPT_WORD])
  })

  it('both stores in one file, with the other store still connected', async () => {
    const path = join(folder, 'shared.db')
    const [vectors, records] = [await SqliteVectorStore.open({ path }), await SqliteHistoryStore.open({ path })]
    await vectors.insert([...memories(GONE_USER, GONE_WORDS, 30), ...memories(KEPT_USER, [KEPT_WORD], 5)])
    await records.append([...history(GONE_USER, GONE_WORDS, 30), ...history(KEPT_USER, [KEPT_WORD], 5)])
    expect(traces(path, gone)).toEqual(gone)
    await vectors.deleteScope({ userId: GONE_USER })
    await records.deleteScope({ userId: GONE_USER })
    expect(traces(path, [...gone, KEPT_USER, KEPT_WORD])).toEqual([KEPT_USER, KEPT_WORD])
    await vectors.close()
    await records.close()
    expect(traces(path, [...gone, KEPT_USER, KEPT_WORD])).toEqual([KEPT_USER, KEPT_WORD])
  })
})
