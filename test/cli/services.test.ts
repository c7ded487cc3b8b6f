import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import neo4j from 'neo4j-driver'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const BIN = join(import.meta.dirname, '../../dist/cli/main.js')

async function engram(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** `engram services up|status|down` for a person: servers that outlive the command, then stop. */
describe('engram services (built bin, real Neo4j and Weaviate)', () => {
  it('brings both up idempotently, prints the settings, answers, and brings them down', async () => {
    const up = await engram(['services', 'up', '--json'])
    expect(up.code).toBe(0)
    const { env } = JSON.parse(up.stdout) as { env: Record<string, string> }
    expect(Object.keys(env).sort()).toEqual(['NEO4J_PASSWORD', 'NEO4J_URI', 'NEO4J_USERNAME', 'WEAVIATE_GRPC_PORT', 'WEAVIATE_URL'])
    expect(env.NEO4J_URI).toMatch(/^bolt:\/\/127\.0\.0\.1:\d+$/)
    expect(env.WEAVIATE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    try {
      // Both answer after the command has exited.
      const driver = neo4j.driver(env.NEO4J_URI!, neo4j.auth.basic(env.NEO4J_USERNAME!, env.NEO4J_PASSWORD!))
      try {
        const result = await driver.executeQuery('RETURN 1 AS one')
        expect(result.records[0]?.get('one').toNumber()).toBe(1)
      } finally {
        await driver.close()
      }
      expect((await fetch(`${env.WEAVIATE_URL}/v1/.well-known/ready`)).status).toBe(200)

      const again = await engram(['services', 'up'])
      expect(again.stdout).toContain(`export NEO4J_URI=${env.NEO4J_URI}`)
      expect(JSON.parse((await engram(['services', 'status', '--json'])).stdout)).toEqual({ running: true, env })
    } finally {
      expect((await engram(['services', 'down'])).code).toBe(0)
    }
    const status = await engram(['services', 'status', '--json'])
    expect(status.code).toBe(1)
    expect(JSON.parse(status.stdout)).toEqual({ running: false })
    await expect(fetch(`${env.WEAVIATE_URL}/v1/.well-known/ready`)).rejects.toThrow()
  }, 600_000)
})
