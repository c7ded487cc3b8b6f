import { describe, expect, it } from 'vitest'
import { describeProgress, duration, Progress } from '../../src/cli/progress.js'

/** A stream stand-in that keeps what was written. */
function stream(isTTY: boolean) {
  const writes: string[] = []
  return { isTTY, writes, write: (text: string) => writes.push(text) }
}

describe('import progress', () => {
  it('describes count, percentage, rate and time left', () => {
    expect(describeProgress({ done: 120, total: 1000, elapsedMs: 40_000 })).toBe('120/1000 lines (12%)  3.0/s  ETA 4m53s')
    expect(describeProgress({ done: 0, total: 10, elapsedMs: 0 })).toBe('0/10 lines (0%)  0.0/s  ETA --')
    expect(describeProgress({ done: 10, total: 10, elapsedMs: 2000 })).toBe('10/10 lines (100%)  5.0/s  done')
    expect([duration(42), duration(259), duration(7500)]).toEqual(['42s', '4m19s', '2h05m'])
  })

  it('redraws one bar in place on a terminal', () => {
    let now = 0
    const terminal = stream(true)
    const progress = new Progress('import', 4, terminal, () => now)
    for (let line = 0; line < 4; line++) {
      now += 500
      progress.advance()
    }
    progress.finish()
    expect(terminal.writes.slice(0, -1).every((text) => text.startsWith('\rimport [') && !text.includes('\n'))).toBe(true)
    expect(terminal.writes.at(-2)).toContain('[########################] 4/4 lines (100%)  2.0/s  done')
    expect(terminal.writes.at(-1)).toBe('\n')
  })

  it('writes plain lines, one per tenth of the work, when not on a terminal', () => {
    let now = 0
    const log = stream(false)
    const progress = new Progress('import', 100, log, () => now)
    for (let line = 0; line < 100; line++) {
      now += 10
      progress.advance()
    }
    progress.finish()
    expect(log.writes.every((text) => /^import: \d+\/100 lines \(\d+%\) {2}[\d.]+\/s {2}(ETA \S+|done)\n$/.test(text))).toBe(true)
    expect(log.writes.length).toBeGreaterThanOrEqual(10)
    expect(log.writes.length).toBeLessThanOrEqual(12)
    expect(log.writes.at(-1)).toBe('import: 100/100 lines (100%)  100.0/s  done\n')
  })
})
