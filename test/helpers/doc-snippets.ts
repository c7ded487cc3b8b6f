import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '../..')

/**
 * The fenced code blocks of one section of a Markdown file of the repository (`README.md`,
 * `docs/mcp.md`…), found by its heading text (any level), up to the next heading of the same or a
 * higher level. Tests run or compare these so the documentation cannot drift from tested code.
 */
export function docCodeBlocks(file: string, heading: string, language?: string): string[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n')
  const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, '').trim() === heading)
  if (start === -1) throw new Error(`${file} has no heading "${heading}"`)
  const level = lines[start]!.indexOf(' ')
  const blocks: string[] = []
  let block: string[] | null = null
  let fence = ''
  for (const line of lines.slice(start + 1)) {
    if (block === null) {
      const heading = /^(#{1,6}) /.exec(line)
      if (heading && heading[1]!.length <= level) break
      const open = /^```(\w*)/.exec(line)
      if (open) {
        block = []
        fence = open[1] ?? ''
      }
    } else if (line.startsWith('```')) {
      if (language === undefined || fence === language) blocks.push(`${block.join('\n')}\n`)
      block = null
    } else {
      block.push(line)
    }
  }
  return blocks
}
