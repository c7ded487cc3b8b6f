/** Where results go, and the facts about the machine every result records. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url))

export interface Machine {
  cpu: string
  cores: number
  memoryGiB: number
  node: string
  platform: string
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  }
}

/** One benchmark's result file: what ran, where, when, under what load, and its data. */
export interface ResultFile<T> {
  name: string
  command: string
  date: string
  machine: Machine
  /** 1-minute load average before and after: other work on the machine skews the figures. */
  loadAverage: { before: number; after: number }
  durationSeconds: number
  /** Set when the run stopped before the benchmark finished: `data` holds what was measured. */
  partial?: boolean
  data: T
}

/**
 * Runs one benchmark and writes bench/results/<name>.json. `work` may call `checkpoint` with
 * partial data, which is written at once (marked `partial`), so a long run stopped half-way keeps
 * what it measured.
 */
export async function recordResult<T>(name: string, command: string, work: (checkpoint: (partial: T) => void) => Promise<T>): Promise<ResultFile<T>> {
  const before = loadavg()[0]!
  const started = Date.now()
  console.log(`\n── ${name} ──`)
  const write = (data: T, partial: boolean): ResultFile<T> => {
    const result: ResultFile<T> = {
      name,
      command,
      date: new Date().toISOString(),
      machine: machine(),
      loadAverage: { before: Math.round(before * 100) / 100, after: Math.round(loadavg()[0]! * 100) / 100 },
      durationSeconds: Math.round((Date.now() - started) / 1000),
      ...(partial ? { partial: true } : {}),
      data,
    }
    mkdirSync(dirname(`${RESULTS_DIR}${name}.json`), { recursive: true })
    writeFileSync(`${RESULTS_DIR}${name}.json`, `${JSON.stringify(result, null, 2)}\n`)
    return result
  }
  const data = await work((partial) => write(partial, true))
  const result = write(data, false)
  console.log(JSON.stringify(data, null, 1).slice(0, 4000))
  return result
}

export function readResult<T>(name: string): ResultFile<T> | undefined {
  try {
    return JSON.parse(readFileSync(`${RESULTS_DIR}${name}.json`, 'utf8')) as ResultFile<T>
  } catch {
    return undefined
  }
}
