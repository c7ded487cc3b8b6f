import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/*
 * docs/containers.md's testcontainers recipe, run as a user would: its files, taken from the page
 * as they are, make a scratch project inside this package (so that `import ... from 'engram'`
 * resolves to the built package and `testcontainers` to the installed one), and `vitest run` runs
 * there with the recipe's own config and global setup. Needs a Docker engine with the images of
 * docker-compose.yml: it runs in the container part of CI (ENGRAM_SERVICES=containers).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const PAGE = join(ROOT, 'docs', 'containers.md')

/** The page's `ts` blocks whose first line names a file (`// path`), by that path. */
function recipeFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>()
  for (const [, body] of markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const path = /^\/\/ (\S+\.ts)\n/.exec(body!)?.[1]
    if (path !== undefined) files.set(path, body!)
  }
  return files
}

describe.skipIf(process.env.ENGRAM_SERVICES !== 'containers')('docs/containers.md testcontainers recipe', () => {
  it('its three files, copied into a project, start both servers and pass their test', async () => {
    const files = recipeFiles(readFileSync(PAGE, 'utf8'))
    expect([...files.keys()].sort()).toEqual(['test/global-setup.ts', 'test/memory.test.ts', 'vitest.config.ts'])
    const project = mkdtempSync(join(ROOT, '.recipe-'))
    try {
      for (const [path, body] of files) {
        mkdirSync(dirname(join(project, path)), { recursive: true })
        writeFileSync(join(project, path), body)
      }
      // The recipe's teardown must stop its containers without Ryuk; the CI script checks that none are left.
      const run = await runVitest(project)
      expect(run.output).toMatch(/Tests\s+1 passed/)
      expect(run.code, run.output).toBe(0)
    } finally {
      rmSync(project, { recursive: true, force: true })
    }
  }, 600_000)
})

/** `vitest run` in the project folder, with the environment a user's shell would have: no servers named yet. */
function runVitest(project: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  for (const name of [
    'NEO4J_URI',
    'NEO4J_USERNAME',
    'NEO4J_PASSWORD',
    'WEAVIATE_URL',
    'WEAVIATE_GRPC_PORT',
    'ENGRAM_SERVICES',
    'ENGRAM_BACKENDS',
    'VITEST',
    'VITEST_POOL_ID',
    'VITEST_WORKER_ID',
  ]) {
    delete env[name]
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', project], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, output }))
  })
}
