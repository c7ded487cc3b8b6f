import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import type { Server } from 'node:net'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WeaviateVectorStore } from '../../src/adapters/weaviate/weaviate-vector-store.js'
import { EngramError } from '../../src/errors.js'
import { ensureWeaviateBinary, startLocalWeaviate } from '../../src/services/weaviate-service.js'

// The binary is built once (several minutes) and kept where `npx engram services up` keeps it.
const cacheDir = join(homedir(), '.cache', 'engram')
const BUILD_TIMEOUT_MS = 30 * 60_000
const START_TIMEOUT_MS = 180_000

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const ready = (url: string): Promise<number> =>
  fetch(`${url}/v1/.well-known/ready`).then(
    (response) => response.status,
    () => 0,
  )

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

describe('local Weaviate service', () => {
  let workDir: string
  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'engram-weaviate-'))
    await ensureWeaviateBinary({ cacheDir })
  }, BUILD_TIMEOUT_MS)
  afterAll(() => rmSync(workDir, { recursive: true, force: true }))

  it('finds the built binary again without building', async () => {
    const started = Date.now()
    expect(await ensureWeaviateBinary({ cacheDir })).toBe(join(cacheDir, 'weaviate', 'bin', 'weaviate-server'))
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it(
    'starts two servers side by side on loopback, serves a vector store, and is gone after stop',
    async () => {
      const [first, second] = await Promise.all([
        startLocalWeaviate({ cacheDir, dataDir: join(workDir, 'first') }),
        startLocalWeaviate({ cacheDir, dataDir: join(workDir, 'second') }),
      ])
      try {
        for (const server of [first, second]) {
          expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
          expect(await ready(server.url)).toBe(200)
          expect(await accepts(server.grpcPort)).toBe(true)
          expect(isRunning(server.pid)).toBe(true)
        }
        expect(first.url).not.toBe(second.url)

        const store = await WeaviateVectorStore.open({ url: first.url, grpcPort: first.grpcPort })
        try {
          const at = new Date().toISOString()
          const memory = {
            id: 'm1',
            text: 'likes tea',
            hash: 'h',
            metadata: {},
            scope: { userId: 'u' },
            createdAt: at,
            updatedAt: at,
            observedAt: at,
            expiresAt: null,
            memoryType: 'semantic' as const,
            mentions: 1,
          }
          await store.insert([{ ...memory, vector: new Float32Array([1, 0, 0]) }])
          expect(await store.get('m1')).toEqual(memory)
        } finally {
          await store.close()
        }
      } finally {
        await Promise.all([first.stop(), second.stop()])
      }
      for (const server of [first, second]) {
        expect(isRunning(server.pid)).toBe(false)
        expect(await ready(server.url)).toBe(0)
        expect(await accepts(server.grpcPort)).toBe(false)
      }
      await first.stop() // a second stop is harmless
    },
    START_TIMEOUT_MS,
  )

  it(
    'fails with the end of the server log when its port is taken',
    async () => {
      const blocker: Server = createServer()
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
      const port = (blocker.address() as { port: number }).port
      try {
        const error = await startLocalWeaviate({ cacheDir, dataDir: join(workDir, 'blocked'), port }).then(
          () => undefined,
          (reason: unknown) => reason,
        )
        expect(error).toBeInstanceOf(EngramError)
        expect((error as EngramError).code).toBe('STORE_UNAVAILABLE')
        expect((error as EngramError).message).toMatch(/exited with code/)
        expect((error as EngramError).message).toMatch(/address already in use/)
      } finally {
        blocker.close()
      }
    },
    START_TIMEOUT_MS,
  )

  it('says that building needs Go when go is not on PATH', async () => {
    const path = process.env.PATH
    process.env.PATH = join(workDir, 'no-such-folder')
    try {
      const error = await ensureWeaviateBinary({ cacheDir: join(workDir, 'empty-cache') }).then(
        () => undefined,
        (reason: unknown) => reason,
      )
      expect(error).toBeInstanceOf(EngramError)
      expect((error as EngramError).message).toMatch(/needs the Go toolchain/)
    } finally {
      process.env.PATH = path
    }
  })
})
