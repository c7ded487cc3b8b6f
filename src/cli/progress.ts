/** Progress of a long CLI run (import) on stderr: a bar redrawn in place on a terminal, plain lines otherwise. */

/** Where progress goes: stderr, or a stand-in with the same two members in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean
  write(text: string): unknown
}

export interface ProgressState {
  done: number
  total: number
  elapsedMs: number
  /** What is counted. Default "lines". */
  unit?: string
}

const BAR_WIDTH = 24
// A terminal redraw at most every 100 ms keeps the bar live without flooding slow terminals; a log
// gets a line per tenth of the work or every 5 s, whichever comes first.
const REDRAW_MS = 100
const LOG_EVERY_MS = 5000

/** "120/1000 lines (12%)  3.4/s  ETA 4m19s": count, rate and time left at the current rate. */
export function describeProgress({ done, total, elapsedMs }: ProgressState, unit = 'lines'): string {
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100)
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0
  const eta = done === total ? 'done' : rate > 0 ? `ETA ${duration((total - done) / rate)}` : 'ETA --'
  return `${done}/${total} ${unit} (${percent}%)  ${rate.toFixed(1)}/s  ${eta}`
}

/** The terminal form: a bar before the description. */
export function progressBar(state: ProgressState, unit = 'lines'): string {
  const filled = state.total === 0 ? BAR_WIDTH : Math.round((state.done / state.total) * BAR_WIDTH)
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${describeProgress(state, unit)}`
}

/** Seconds as "42s", "4m19s" or "2h05m". */
export function duration(seconds: number): string {
  const whole = Math.round(seconds)
  if (whole < 60) return `${whole}s`
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`
}

/** Counts finished units of work (lines by default) and reports them to a stream, throttled; `finish` always reports the last state. */
export class Progress {
  readonly #stream: ProgressStream
  readonly #now: () => number
  readonly #label: string
  readonly #unit: string
  readonly #total: number
  readonly #started: number
  #done = 0
  #lastReport = Number.NEGATIVE_INFINITY
  #lastDecile = -1

  /** `unit` names what is counted: "lines" of an import, "texts" of a reembed. */
  constructor(label: string, total: number, stream: ProgressStream = process.stderr, now: () => number = Date.now, unit = 'lines') {
    this.#label = label
    this.#unit = unit
    this.#total = total
    this.#stream = stream
    this.#now = now
    this.#started = now()
  }

  /** Records `count` more finished lines. */
  advance(count = 1): void {
    this.#done += count
    const now = this.#now()
    if (this.#stream.isTTY) {
      if (now - this.#lastReport >= REDRAW_MS) this.#report(now)
      return
    }
    const decile = this.#total === 0 ? 10 : Math.floor((this.#done / this.#total) * 10)
    if (decile > this.#lastDecile || now - this.#lastReport >= LOG_EVERY_MS) this.#report(now)
  }

  /** Reports the final state and, on a terminal, ends the bar's line. */
  finish(): void {
    this.#report(this.#now())
    if (this.#stream.isTTY) this.#stream.write('\n')
  }

  #report(now: number): void {
    this.#lastReport = now
    this.#lastDecile = this.#total === 0 ? 10 : Math.floor((this.#done / this.#total) * 10)
    const state = { done: this.#done, total: this.#total, elapsedMs: now - this.#started }
    // \r and erase-to-end-of-line redraw the bar in place.
    if (this.#stream.isTTY) this.#stream.write(`\r${this.#label} ${progressBar(state, this.#unit)}\u001b[K`)
    else this.#stream.write(`${this.#label}: ${describeProgress(state, this.#unit)}\n`)
  }
}
