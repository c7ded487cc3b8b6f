import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * docs/reference is generated from the TSDoc of the public entry points (`npm run docs:api`). This
 * regenerates it into a temporary folder and compares: a changed signature or comment whose
 * reference was not regenerated fails here, so the checked-in reference cannot go stale.
 */
const ROOT = join(import.meta.dirname, '../..')
const COMMITTED = join(ROOT, 'docs/reference')

function files(dir: string): Map<string, string> {
  const names = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.md'))
  return new Map(names.sort().map((name) => [name, readFileSync(join(dir, name), 'utf8')]))
}

describe('docs/reference (generated API reference)', () => {
  const out = mkdtempSync(join(tmpdir(), 'engram-reference-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('is what the TSDoc of the sources generates today', async () => {
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc'), '--out', out, '--logLevel', 'Error'], { cwd: ROOT })
    const fresh = files(out)
    const committed = files(COMMITTED)
    expect([...committed.keys()], 'pages added or removed: run npm run docs:api').toEqual([...fresh.keys()])
    const stale = [...fresh].filter(([name, text]) => committed.get(name) !== text).map(([name]) => name)
    expect(stale, 'pages out of date: run npm run docs:api').toEqual([])
  }, 240_000)
})
