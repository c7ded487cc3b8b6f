import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Memory } from '../../src/index.js'
import { EMBEDDED_STORES } from '../contract/backends.js'
import { testModelDir } from '../helpers/model-dir.js'
import { fillScope, scenarioLLM } from './import-export-scenario.js'
import { engram, spawnEngram } from './import-export-run.js'

describe('engram export / import (built bin, real local embedder)', () => {
  let folder: string
  const path = (name: string) => join(folder, name)
  const jsonl = (lines: unknown[]) => `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'engram-transfer-'))
  })
  afterAll(() => rmSync(folder, { recursive: true, force: true }))

  it('exports a scope as JSONL that imports into a fresh data dir and exports again identically', async () => {
    const source = await Memory.create(
      { dataDir: path('source'), ...EMBEDDED_STORES, embedder: { provider: 'local', config: { modelDir: testModelDir() } } },
      { llm: scenarioLLM() },
    )
    await fillScope(source)
    await source.close()

    const exported = await engram(['export', '--user', 'alice', '--data-dir', path('source')])
    expect(exported.code).toBe(0)
    const lines = exported.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines.filter((line) => line.kind === 'relation' && line.validTo !== null)).toHaveLength(1)
    expect(lines.filter((line) => line.kind === 'history').map((line) => line.event)).toEqual(expect.arrayContaining(['ADD', 'UPDATE', 'DELETE']))
    writeFileSync(path('alice.jsonl'), exported.stdout)

    const imported = await engram(['import', path('alice.jsonl'), '--data-dir', path('copy')])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain(`imported ${lines.length}, skipped 0, failed 0 of ${lines.length} lines`)
    // Not a terminal: plain progress lines with count, rate and ETA, ending at 100%.
    expect(imported.stderr).toMatch(new RegExp(`^import: ${lines.length}/${lines.length} lines \\(100%\\)  [\\d.]+/s  done$`, 'm'))

    const again = await engram(['export', '--user', 'alice', '--data-dir', path('copy')])
    expect(again.stdout).toBe(exported.stdout)

    const rerun = await engram(['import', path('alice.jsonl'), '--data-dir', path('copy'), '--json'])
    expect(JSON.parse(rerun.stdout)).toMatchObject({ imported: 0, skipped: lines.length, skipReasons: { 'already imported': lines.length }, failed: 0 })

    const html = await engram(['graph', '--format', 'html', '--user', 'alice', '--data-dir', path('copy')])
    expect(html.code).toBe(0)
    expect(html.stdout).toMatch(/^<!doctype html>/)
    const data = JSON.parse(/<script type="application\/json" id="graph-data">(.*)<\/script>/.exec(html.stdout)![1]!)
    expect(data.relations).toHaveLength(lines.filter((line) => line.kind === 'relation').length)
  })

  it('adds conversations, reporting skipped and failed lines with reasons, and exits 1 when any failed', async () => {
    const chess = { scope: { userId: 'carol' }, messages: [{ role: 'user', content: 'Carol likes chess' }], timestamp: '2024-03-01T10:00:00Z' }
    writeFileSync(
      path('carol.jsonl'),
      jsonl([
        chess,
        'not json at all',
        { scope: {}, messages: 'no scope' },
        chess,
        { scope: { userId: 'carol' }, messages: 'Carol plays the cello', metadata: { source: 'import' } },
      ]),
    )
    const result = await engram(['import', path('carol.jsonl'), '--no-infer', '--data-dir', path('carol'), '--json'])
    expect(result.code).toBe(1)
    const summary = JSON.parse(result.stdout)
    expect(summary).toMatchObject({ lines: 5, imported: 2, skipped: 1, skipReasons: { 'same as an earlier line': 1 }, failed: 2 })
    expect(summary.failures).toEqual([
      { line: 2, reason: expect.stringContaining('not JSON') },
      { line: 3, reason: expect.stringMatching(/INVALID_INPUT: .*userId/) },
    ])
    const listed = JSON.parse((await engram(['list', '--user', 'carol', '--json', '--data-dir', path('carol')])).stdout).results
    expect(listed.map((item: { memory: string }) => item.memory).sort()).toEqual(['Carol likes chess', 'Carol plays the cello'])
    expect(listed.find((item: { memory: string }) => item.memory === 'Carol likes chess')).toMatchObject({ observedAt: '2024-03-01T10:00:00.000Z' })
    expect(listed.find((item: { memory: string }) => item.memory === 'Carol plays the cello').metadata).toMatchObject({
      source: 'import',
      import_line: expect.stringMatching(/^[0-9a-f]{32}$/),
    })

    const text = await engram(['import', path('carol.jsonl'), '--no-infer', '--data-dir', path('carol')])
    expect(text.stdout).toContain('imported 0, skipped 3 (3 already imported), failed 2 of 5 lines')
    expect(text.stdout).toContain('line 2: ')
    expect((await engram(['import', path('carol.jsonl'), '--concurrency', '0', '--data-dir', path('carol')])).code).toBe(2)
  })

  it('keeps progress per target: a file imported into one data dir imports in full into another', async () => {
    writeFileSync(path('dana.jsonl'), jsonl(['Dana rows on Sundays', 'Dana is learning Greek'].map((text) => ({ scope: { userId: 'dana' }, messages: text }))))
    const into = (dir: string) => engram(['import', path('dana.jsonl'), '--no-infer', '--data-dir', path(dir), '--json'])
    expect(JSON.parse((await into('dana-first')).stdout)).toMatchObject({ imported: 2, skipped: 0 })
    const second = JSON.parse((await into('dana-second')).stdout)
    expect(second).toMatchObject({ imported: 2, skipped: 0 })
    const listed = JSON.parse((await engram(['list', '--user', 'dana', '--json', '--data-dir', path('dana-second')])).stdout).results
    expect(listed).toHaveLength(2)
    const again = JSON.parse((await into('dana-first')).stdout)
    expect(again).toMatchObject({ imported: 0, skipped: 2, skipReasons: { 'already imported': 2 } })
  })

  it('resumes an import killed midway: no line imported twice, none lost', async () => {
    const total = 300
    const facts = Array.from({ length: total }, (_, index) => `Bulk fact number ${index} about topic ${index * 7}`)
    writeFileSync(path('bulk.jsonl'), jsonl(facts.map((fact) => ({ scope: { userId: 'bulk' }, messages: fact }))))
    const progressFile = () => readdirSync(folder).find((name) => name === 'bulk.jsonl.progress')
    const doneLines = () => {
      const file = progressFile()
      return file === undefined
        ? 0
        : readFileSync(path(file), 'utf8')
            .split('\n')
            .filter((line) => line.includes('"done"')).length
    }

    const child = spawnEngram(['import', path('bulk.jsonl'), '--no-infer', '--concurrency', '4', '--data-dir', path('bulk')])
    const exited = once(child, 'exit')
    while (doneLines() < 40 && child.exitCode === null) await sleep(10)
    child.kill('SIGKILL')
    const [, signal] = await exited
    expect(signal).toBe('SIGKILL')
    const doneBeforeKill = doneLines()
    expect(doneBeforeKill).toBeGreaterThanOrEqual(40)
    expect(doneBeforeKill).toBeLessThan(total)

    const resumed = await engram(['import', path('bulk.jsonl'), '--no-infer', '--concurrency', '4', '--data-dir', path('bulk'), '--json'])
    expect(resumed.code).toBe(0)
    const summary = JSON.parse(resumed.stdout)
    expect(summary.failed).toBe(0)
    expect(summary.imported + summary.skipped).toBe(total)
    expect(summary.skipped).toBeGreaterThanOrEqual(doneBeforeKill)

    const stored = JSON.parse((await engram(['list', '--user', 'bulk', '--limit', '1000', '--json', '--data-dir', path('bulk')])).stdout).results
    expect(stored.map((item: { memory: string }) => item.memory).sort()).toEqual([...facts].sort())
  })
})
