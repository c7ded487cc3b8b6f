import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeOpenAIServer } from '../doubles/fake-openai-server.js'
import { testModelDir } from '../helpers/model-dir.js'
import { BIN, engram } from './import-export-run.js'

/** Runs the built CLI on a pseudo-terminal (util-linux `script`), answering its question with `answer`. */
function onTerminal(args: string[], answer: string): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ')
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ENGRAM_MODEL_DIR: testModelDir() },
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString()
    if (output.includes('Type "yes" to confirm:') && !child.stdin.writableEnded) child.stdin.end(`${answer}\n`)
  })
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })))
}

/**
 * The built CLI's memory commands as a user meets them: ids confined to the scope flags, update,
 * delete-all, relations in text output, --as-of, and exit codes (0 done, 1 error, 2 bad command line).
 */
// Each CLI run loads the embedding model: a few seconds each, more on a busy machine.
describe('engram CLI memory commands', { timeout: 240_000 }, () => {
  let dataDir: string
  const withData = (args: string[]) => [...args, '--data-dir', dataDir]
  const json = async (args: string[]) => JSON.parse((await engram(withData([...args, '--json']))).stdout)
  const remember = async (text: string, user: string) => (await json(['add', text, '--user', user, '--no-infer'])).results[0].id as string

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'engram-cli-commands-'))
  })
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('confines get, history, update and delete ID to the scope given: NOT_FOUND outside it, exit 1', async () => {
    const id = await remember('Alice keeps her diary in the blue drawer', 'alice')
    for (const command of [
      ['get', id],
      ['history', id],
      ['delete', id],
      ['update', id, 'Bob wrote this'],
    ]) {
      const outside = await engram(withData([...command, '--user', 'bob']))
      expect(outside.code, command.join(' ')).toBe(1)
      expect(outside.stderr).toMatch(/^engram: NOT_FOUND: no memory with id/)
      expect(outside.stdout).toBe('')
    }
    expect((await json(['get', id, '--user', 'alice'])).memory).toBe('Alice keeps her diary in the blue drawer')

    const updated = await engram(withData(['update', id, 'Alice keeps her diary under the bed', '--user', 'alice']))
    expect(updated.code).toBe(0)
    expect((await json(['get', id])).memory).toBe('Alice keeps her diary under the bed')
    expect((await json(['history', id, '--user', 'alice'])).map((entry: { event: string }) => entry.event)).toEqual(['ADD', 'UPDATE'])
    expect((await engram(withData(['delete', id, '--user', 'alice']))).code).toBe(0)
  })

  it('answers a missing id with NOT_FOUND and exit 1 for get as for delete and history', async () => {
    for (const command of ['get', 'history', 'delete']) {
      const missing = await engram(withData([command, 'no-such-id']))
      expect(missing.code, command).toBe(1)
      expect(missing.stderr).toContain('NOT_FOUND')
    }
  })

  it('names the scope flags when a command needs a scope', async () => {
    for (const command of [['search', 'tea'], ['add', 'tea', '--no-infer'], ['list'], ['delete-all', '--yes']]) {
      const unscoped = await engram(withData(command))
      expect(unscoped.code, command.join(' ')).toBe(2)
      expect(unscoped.stderr).toContain(`engram: usage: ${command[0]} needs a scope: --user ID, --agent ID or --run ID`)
    }
  })

  it('delete-all refuses without a terminal unless --yes, then erases only that scope', async () => {
    await remember('Dan likes jazz', 'dan')
    const kept = await remember('Erin likes folk', 'erin')
    const refused = await engram(withData(['delete-all', '--user', 'dan']))
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('pass --yes to confirm')
    expect((await json(['list', '--user', 'dan'])).results).toHaveLength(1)

    const erased = await engram(withData(['delete-all', '--user', 'dan', '--yes']))
    expect(erased.code).toBe(0)
    expect(erased.stdout).toContain('erased everything user=dan could see')
    expect((await json(['list', '--user', 'dan'])).results).toEqual([])
    expect((await json(['get', kept])).memory).toBe('Erin likes folk')
  })

  it.skipIf(!existsSync('/usr/bin/script'))('delete-all asks on a terminal and erases only after "yes"', async () => {
    await remember('Fay likes tango', 'fay')
    const declined = await onTerminal(withData(['delete-all', '--user', 'fay']), 'no')
    expect(declined.output).toContain('Erase everything user=fay can see')
    expect(declined.output).toContain('not confirmed; nothing was erased')
    expect(declined.code).toBe(2)
    expect((await json(['list', '--user', 'fay'])).results).toHaveLength(1)
    const confirmed = await onTerminal(withData(['delete-all', '--user', 'fay']), 'yes')
    expect(confirmed.output).toContain('erased everything user=fay could see')
    expect(confirmed.code).toBe(0)
    expect((await json(['list', '--user', 'fay'])).results).toEqual([])
  })

  it('shows relations in the text of add and search, reads the graph --as-of a time, and exits 1 when a step of add failed', async () => {
    const server = await FakeOpenAIServer.byTool({
      extract_facts: () => ({ facts: ['Works at Acme'] }),
      extract_graph: (body) =>
        JSON.stringify(body).includes('Globex')
          ? { entities: [{ name: 'I', type: 'person' }], relations: [] }
          : {
              entities: [
                { name: 'I', type: 'person' },
                { name: 'Acme', type: 'organization' },
              ],
              relations: [{ source: 'I', relationship: 'works at', destination: 'Acme' }],
            },
      update_graph: [],
    })
    try {
      const env = { OPENAI_BASE_URL: server.url, ENGRAM_LLM_MODEL: 'fake-model' }
      const added = await engram(withData(['add', 'I work at Acme', '--user', 'gina']), env)
      expect(added.code).toBe(0)
      expect(added.stdout).toMatch(/relations:\n {2}\+ gina -\[WORKS_AT\]-> Acme/)

      const found = await engram(withData(['search', 'Where does gina work?', '--user', 'gina']), env)
      expect(found.stdout).toMatch(/relations:\n {2}\d\.\d{3} {2}gina -\[WORKS_AT\]-> Acme/)
      const before = await json(['search', 'Where does gina work?', '--user', 'gina', '--as-of', '2000-01-01'])
      expect(before.relations).toEqual([])
      expect((await engram(withData(['search', 'x', '--user', 'gina', '--as-of', 'last week']))).code).toBe(2)

      // The second add's fact update has no scripted answer: the add reports that stage's error and exits 1.
      const partial = await engram(withData(['add', 'I work at Globex now', '--user', 'gina']), { ...env, OPENAI_MAX_RETRIES: '0' })
      expect(partial.stderr).toMatch(/^engram: (facts|graph): /m)
      expect(partial.code).toBe(1)
    } finally {
      await server.close()
    }
  })
})
