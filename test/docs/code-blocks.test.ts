import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FakeOpenAIServer } from '../doubles/fake-openai-server.js'
import { testModelDir } from '../helpers/model-dir.js'

/**
 * Every code block of README.md and docs/ is checked, so the documentation cannot drift:
 * - `ts` blocks are type-checked against the package's own types (fragments inside a function whose
 *   free names a small prelude declares); a block with an `import` is a whole program and is also
 *   run, with the LLM a local OpenAI-compatible fake, unless a `<!-- not run: reason -->` line stands
 *   right before it (for programs that need servers or files a test machine does not have);
 * - `json` blocks parse, `jsonl` blocks parse line by line;
 * - every `npx engram COMMAND` of a `sh` block names a command the built CLI lists.
 */
const ROOT = join(import.meta.dirname, '../..')
const WORK = join(ROOT, '.doc-blocks')
const run = promisify(execFile)

interface Block {
  file: string
  line: number
  language: string
  code: string
  notRun: boolean
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md') && !name.startsWith('reference'))
    .map((name) => join('docs', name))
  return ['README.md', 'CHANGELOG.md', 'CONTRIBUTING.md', ...docs.sort()]
}

function codeBlocks(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n')
  const blocks: Block[] = []
  for (let index = 0; index < lines.length; index++) {
    const open = /^```(\w*)/.exec(lines[index]!)
    if (!open) continue
    const start = index
    const body: string[] = []
    for (index++; index < lines.length && !lines[index]!.startsWith('```'); index++) body.push(lines[index]!)
    const before = lines.slice(Math.max(0, start - 2), start).join('\n')
    blocks.push({ file, line: start + 1, language: open[1] ?? '', code: `${body.join('\n')}\n`, notRun: /<!-- not run: .+ -->/.test(before) })
  }
  return blocks
}

const BLOCKS = markdownFiles().flatMap(codeBlocks)
const label = (block: Block) => `${block.file}:${block.line}`
const isProgram = (block: Block) => /^import /m.test(block.code)

// Free names that fragments use without declaring them: what the surrounding prose has set up.
const PRELUDE = `import { Memory } from 'engram'
declare const memory: Memory
declare const id: string
declare const runMessages: Array<{ role: 'user' | 'assistant'; content: string }>
`

/** A fragment becomes the body of an async function, so `await` and shadowing declarations work. */
function checkedSource(block: Block): string {
  if (isProgram(block)) return block.code
  return `${PRELUDE}export async function fragment(): Promise<void> {\n${block.code}}\n`
}

describe('documentation code blocks', () => {
  const typescript = BLOCKS.filter((block) => block.language === 'ts')
  let server: FakeOpenAIServer
  let dataDir: string

  beforeAll(async () => {
    rmSync(WORK, { recursive: true, force: true })
    mkdirSync(WORK, { recursive: true })
    dataDir = mkdtempSync(join(tmpdir(), 'engram-doc-blocks-'))
    // The extraction answers with the user's sentences as facts, enough for any example to run.
    server = await FakeOpenAIServer.byTool({
      extract_memories: (body) => {
        const last = JSON.stringify(body.messages.at(-1)?.content ?? '')
        const facts = [...last.matchAll(/user(?: \([^)]*\))?: ([^\\]+?)(?:\\n|$)/g)].map((match) => match[1]!.trim()).filter((fact) => fact !== '')
        return { facts: facts.length > 0 ? facts : ['Said something'], entities: [], relations: [] }
      },
      extract_facts: () => ({ facts: ['Said something'] }),
      update_memory: () => ({ memory: [] }),
    })
  })
  afterAll(async () => {
    await server?.close()
    rmSync(WORK, { recursive: true, force: true })
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
  })

  it('finds the blocks it checks', () => {
    expect(typescript.length).toBeGreaterThan(10)
    expect(typescript.filter(isProgram).length).toBeGreaterThan(0)
  })

  it('type-checks every ts block against the package types', async () => {
    const names = typescript.map((block, index) => {
      const name = `block-${index}.ts`
      writeFileSync(join(WORK, name), checkedSource(block))
      return name
    })
    writeFileSync(
      join(WORK, 'tsconfig.json'),
      JSON.stringify({
        extends: '../tsconfig.json',
        compilerOptions: {
          noEmit: true,
          rootDir: '..',
          noUnusedLocals: false,
          paths: { engram: ['../src/index.ts'], 'engram/langchain': ['../src/langchain.ts'] },
        },
        include: names,
      }),
    )
    const result = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(WORK, 'tsconfig.json')], { cwd: ROOT }).catch(
      (error: { stdout: string }) => error,
    )
    // Name the documentation line behind each compiler error, not the generated file.
    const errors = result.stdout
      .split('\n')
      .filter((line) => line.includes('error TS'))
      .map((line) => {
        const index = Number(/block-(\d+)\.ts/.exec(line)?.[1])
        return `${label(typescript[index]!)}: ${line.replace(/^.*?error /, 'error ')}`
      })
    expect(errors).toEqual([])
  }, 180_000)

  it.each(typescript.filter((block) => isProgram(block) && !block.notRun).map((block) => [label(block), block] as const))(
    'runs %s',
    async (_label, block) => {
      const file = join(WORK, `run-${block.file.replace(/\W/g, '_')}-${block.line}.ts`)
      writeFileSync(file, block.code)
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        OPENAI_API_KEY: 'test-key',
        OPENAI_BASE_URL: server.url,
        ENGRAM_DATA_DIR: dataDir,
        ENGRAM_MODEL_DIR: testModelDir(),
      }
      const { stderr } = await run(join(ROOT, 'node_modules/.bin/tsx'), [relative(ROOT, file)], { cwd: ROOT, env, timeout: 90_000 })
      expect(stderr).toBe('')
    },
    120_000,
  )

  it.each(BLOCKS.filter((block) => block.language === 'json').map((block) => [label(block), block] as const))('parses the JSON of %s', (_label, block) => {
    expect(() => JSON.parse(block.code)).not.toThrow()
  })

  it.each(BLOCKS.filter((block) => block.language === 'jsonl').map((block) => [label(block), block] as const))('parses every line of %s', (_label, block) => {
    for (const line of block.code.split('\n').filter((text) => text.trim() !== '')) expect(() => JSON.parse(line)).not.toThrow()
  })

  it('names only commands the CLI has', async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'dist/cli/main.js'), '--help'])
    const known = new Set([...stdout.matchAll(/^ {2}([a-z-]+)/gm)].map((match) => match[1]!))
    const named = BLOCKS.filter((block) => block.language === 'sh').flatMap((block) =>
      [...block.code.matchAll(/npx engram ([a-z-]+)/g)].map((match) => ({ where: label(block), command: match[1]! })),
    )
    expect(named.length).toBeGreaterThan(5)
    expect(named.filter(({ command }) => !known.has(command))).toEqual([])
  })
})
