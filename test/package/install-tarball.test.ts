import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { FakeOpenAIServer } from '../doubles/fake-openai-server.js'
import { testModelDir } from '../helpers/model-dir.js'
import { docCodeBlocks } from '../helpers/doc-snippets.js'

const run = promisify(execFile)
const root = join(import.meta.dirname, '../..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/** The environment without the settings that would hide what a new user meets. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const key of Object.keys(env)) if (/^(ONNXRUNTIME_NODE_INSTALL|npm_|OPENAI_|ENGRAM_|NEO4J_|WEAVIATE_)/i.test(key)) delete env[key]
  return { ...env, ...extra }
}

/**
 * better-sqlite3's install fetches a prebuilt binary from outside the npm registry and, failing that,
 * compiles SQLite (minutes on a busy machine). The binary this checkout built is handed to it as a
 * local prebuild, the way its installer looks for one: a test of Engram's package, not of that
 * compiler. Returns the environment that points the installer at it.
 */
async function localSqlitePrebuild(folder: string): Promise<Record<string, string>> {
  const installed = join(root, 'node_modules/better-sqlite3')
  const { version } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string }
  const prebuilds = join(folder, 'prebuilds')
  mkdirSync(prebuilds)
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`
  await run('tar', ['-czf', join(prebuilds, name), '-C', installed, 'build/Release/better_sqlite3.node'])
  return { npm_config_better_sqlite3_local_prebuilds: prebuilds }
}

/**
 * What a user adding Engram to an app does: `npm pack` here, `npm install <tarball>` in a fresh
 * project whose only setting is the `.npmrc` line the README documents, which skips onnxruntime-node's optional
 * GPU download (the CPU runtime ships in the npm package; the download reaches outside the npm
 * registry), then the README's example, against a scripted OpenAI-compatible server. Packs the
 * built dist/ (`npm test` builds it first). Slow: npm installs every dependency from its cache.
 */
describe('the packed package in a fresh project', () => {
  const folder = mkdtempSync(join(tmpdir(), 'engram-package-'))
  afterAll(() => rmSync(folder, { recursive: true, force: true }))

  it('installs with plain npm install and runs the README example', async () => {
    await run(npm, ['pack', '--ignore-scripts', '--pack-destination', folder], { cwd: root, env: userEnv({}) })
    const tarball = readdirSync(folder).find((name) => name.endsWith('.tgz'))!
    const app = join(folder, 'app')
    mkdirSync(app)
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.0.0', private: true, type: 'module' }))
    // The one setting the README tells a user to add, taken from it so that the two cannot drift.
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const setting = /`(onnxruntime-node-install=skip)` in your project's `\.npmrc`/.exec(readme)?.[1]
    expect(setting, 'README.md names the .npmrc line that skips the download').toBeDefined()
    writeFileSync(join(app, '.npmrc'), `${setting}\n`)
    const installEnv = userEnv(await localSqlitePrebuild(folder))
    await run(npm, ['install', join(folder, tarball), '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: app,
      env: installEnv,
      maxBuffer: 64 * 1024 * 1024,
    })

    const [example] = docCodeBlocks('README.md', 'In 30 seconds', 'ts')
    writeFileSync(join(app, 'example.mjs'), `${example}console.log(JSON.stringify({ results, relations }))\n`)
    const server = await FakeOpenAIServer.byTool({
      extract_facts: () => ({ facts: ['Works as a nurse at Santa Maria'] }),
      extract_graph: () => ({
        entities: [
          { name: 'alice', type: 'person' },
          { name: 'Santa Maria', type: 'organization' },
        ],
        relations: [{ source: 'alice', relationship: 'works at', destination: 'Santa Maria' }],
      }),
    })
    try {
      const env = userEnv({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test-key', ENGRAM_MODEL_DIR: testModelDir(), ENGRAM_DATA_DIR: join(folder, 'data') })
      const { stdout } = await run(process.execPath, ['example.mjs'], { cwd: app, env })
      const found = JSON.parse(stdout.trim().split('\n').at(-1)!)
      expect(found.results[0].memory).toBe('Works as a nurse at Santa Maria')
      expect(found.relations).toEqual(
        expect.arrayContaining([expect.objectContaining({ source: 'alice', relationship: 'WORKS_AT', destination: 'Santa Maria' })]),
      )
    } finally {
      await server.close()
    }
  }, 900_000)
})
